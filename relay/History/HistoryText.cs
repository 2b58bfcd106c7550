using System.Globalization;
using System.Text;
using Serverless.Contracts;

namespace Serverless.Relay.History;

/// <summary>The history for people: a table of events, one event's steps, one line per new event for <c>tail</c>.</summary>
public static class HistoryText
{
    private const string TimeFormat = "yyyy-MM-dd HH:mm:ss";

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
            var sourceWidth = Math.Max(6, history.Events.Max(e => (e.Source ?? "").Length));
            var statusWidth = Math.Max(6, history.Events.Max(e => (e.Status is { } s ? StepName(s) : "").Length));
            var idWidth = Math.Max(2, history.Events.Max(e => e.Id.Length));
            text.Append(CultureInfo.InvariantCulture, $"{"RECEIVED (UTC)",-19}  {"STATUS".PadRight(statusWidth)}  {"SOURCE".PadRight(sourceWidth)}  {"ID".PadRight(idWidth)}  SUMMARY").AppendLine();
            foreach (var e in history.Events)
            {
                var first = e.Steps.Count > 0 ? e.Steps[0].At.UtcDateTime.ToString(TimeFormat, CultureInfo.InvariantCulture) : "";
                var status = e.Status is { } s ? StepName(s) : "";
                text.Append(CultureInfo.InvariantCulture, $"{first,-19}  {status.PadRight(statusWidth)}  {(e.Source ?? "").PadRight(sourceWidth)}  {e.Id.PadRight(idWidth)}  {OneLine(e.Summary)}").AppendLine();
            }
        }

        foreach (var r in history.Refused)
        {
            text.Append(CultureInfo.InvariantCulture, $"Refused: {r.Count} {r.Source} deliveries ({r.Reason}), last at {r.LastAt.UtcDateTime.ToString(TimeFormat, CultureInfo.InvariantCulture)} UTC").AppendLine();
        }

        return text.ToString();
    }

    public static string Steps(EventHistoryRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"Event {record.Id} ({record.Type ?? record.Source ?? "unknown"}): {(record.Status is { } s ? StepName(s) : "no steps")}").AppendLine();
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
        return $"{at}  {record.Source ?? ""}  {record.Id}  {OneLine(record.Summary)}";
    }

    // Summaries come from webhook senders: one line, no control characters, so a table stays a table.
    private static string OneLine(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return "";
        }

        var line = new StringBuilder(Math.Min(text.Length, 120));
        foreach (var c in text)
        {
            if (line.Length >= 120)
            {
                line.Append('…');
                break;
            }

            line.Append(char.IsControl(c) ? ' ' : c);
        }

        return line.ToString();
    }
}
