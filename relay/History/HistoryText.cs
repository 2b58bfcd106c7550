using System.Globalization;
using System.Text;
using Serverless.Contracts;
using Serverless.Relay.Channel;

namespace Serverless.Relay.History;

/// <summary>
/// The history for people (and for Claude, through <c>list_events</c> and the subcommands it may run): a table of
/// events, one event's steps, one line per new event for <c>tail</c>. What the app's history holds came from outside
/// (summaries, sources, details), so every field goes through <see cref="UntrustedText"/>.
/// </summary>
public static class HistoryText
{
    private const string TimeFormat = "yyyy-MM-dd HH:mm:ss";

    // 120 characters and the mark that there was more.
    private const int MaxFieldLength = 121;

    public static string StepName(EventStep step) => step == EventStep.DeadLettered ? "dead_lettered" : step.ToString().ToLowerInvariant();

    public static string Table(EventHistoryResponse history)
    {
        ArgumentNullException.ThrowIfNull(history);
        var text = new StringBuilder();
        if (history.Events.Count == 0)
        {
            text.Append("No events on channel '").Append(history.Channel).AppendLine("' match.");
        }
        else
        {
            var sourceWidth = Math.Max(6, history.Events.Max(e => OneLine(e.Source).Length));
            var statusWidth = Math.Max(6, history.Events.Max(e => (e.Status is { } s ? StepName(s) : "").Length));
            var idWidth = Math.Max(2, history.Events.Max(e => OneLine(e.Id).Length));
            text.Append(CultureInfo.InvariantCulture, $"{"RECEIVED (UTC)",-19}  {"STATUS".PadRight(statusWidth)}  {"SOURCE".PadRight(sourceWidth)}  {"ID".PadRight(idWidth)}  SUMMARY").AppendLine();
            foreach (var e in history.Events)
            {
                var first = e.Steps.Count > 0 ? e.Steps[0].At.UtcDateTime.ToString(TimeFormat, CultureInfo.InvariantCulture) : "";
                var status = e.Status is { } s ? StepName(s) : "";
                text.Append(CultureInfo.InvariantCulture, $"{first,-19}  {status.PadRight(statusWidth)}  {OneLine(e.Source).PadRight(sourceWidth)}  {OneLine(e.Id).PadRight(idWidth)}  {OneLine(e.Summary)}").AppendLine();
            }
        }

        foreach (var r in history.Refused)
        {
            text.Append(CultureInfo.InvariantCulture, $"Refused: {r.Count} {OneLine(r.Source)} deliveries ({OneLine(r.Reason)}), last at {r.LastAt.UtcDateTime.ToString(TimeFormat, CultureInfo.InvariantCulture)} UTC").AppendLine();
        }

        return text.ToString();
    }

    public static string Steps(EventHistoryRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"Event {OneLine(record.Id)} ({OneLine(record.Type ?? record.Source ?? "unknown")}): {(record.Status is { } s ? StepName(s) : "no steps")}").AppendLine();
        if (!string.IsNullOrEmpty(record.Summary))
        {
            text.Append("  ").AppendLine(OneLine(record.Summary));
        }

        foreach (var step in record.Steps)
        {
            text.Append(CultureInfo.InvariantCulture, $"  {StepName(step.Step),-13} {step.At.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss.fff", CultureInfo.InvariantCulture)} UTC");
            if (!string.IsNullOrEmpty(step.Detail))
            {
                text.Append("  ").Append(OneLine(step.Detail));
            }

            text.AppendLine();
        }

        return text.ToString();
    }

    public static string TailLine(EventHistoryRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var at = record.Steps.Count > 0 ? record.Steps[0].At.UtcDateTime.ToString(TimeFormat, CultureInfo.InvariantCulture) : "";
        return $"{at}  {OneLine(record.Source)}  {OneLine(record.Id)}  {OneLine(record.Summary)}";
    }

    /// <summary>
    /// The history as JSON for <c>--json</c>: the same records with every text cleaned as <see cref="UntrustedText"/>
    /// cleans it (line breaks kept), so a script, or Claude running the command, reads what the session would.
    /// </summary>
    public static EventHistoryResponse Cleaned(EventHistoryResponse history)
    {
        ArgumentNullException.ThrowIfNull(history);
        return history with
        {
            Channel = UntrustedText.OneLine(history.Channel),
            Events = [.. history.Events.Select(Cleaned)],
            Refused = [.. history.Refused.Select(r => r with { Source = UntrustedText.OneLine(r.Source), Reason = UntrustedText.OneLine(r.Reason) })],
        };
    }

    public static EventHistoryRecord Cleaned(EventHistoryRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        return record with
        {
            Id = UntrustedText.OneLine(record.Id),
            Source = record.Source is null ? null : UntrustedText.OneLine(record.Source),
            Type = record.Type is null ? null : UntrustedText.OneLine(record.Type),
            Summary = record.Summary is null ? null : UntrustedText.Clean(record.Summary),
            Steps = [.. record.Steps.Select(s => s with { Detail = s.Detail is null ? null : UntrustedText.OneLine(s.Detail) })],
            Meta = record.Meta?.ToDictionary(m => UntrustedText.OneLine(m.Key), m => UntrustedText.OneLine(m.Value), StringComparer.Ordinal),
        };
    }

    // Summaries come from webhook senders: one line, cleaned, so a table stays a table and no tag can form.
    private static string OneLine(string? text) => UntrustedText.OneLine(text, MaxFieldLength);
}
