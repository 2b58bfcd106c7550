namespace Serverless.Functions.Sources.Filters;

/// <summary>
/// <c>Channels:{channel}</c>: what a channel wants, applied before anything is stored. Empty lists
/// allow everything; a filtered delivery is answered 200.
/// </summary>
public sealed class ChannelFilter
{
    /// <summary>Only these sources (<c>github</c>, <c>pagerduty</c>, ...).</summary>
    public IList<string> Sources { get; } = [];

    /// <summary>Only these event types (<c>workflow_run</c>, <c>incident.triggered</c>, ...).</summary>
    public IList<string> EventTypes { get; } = [];

    /// <summary>Only these repositories (<c>org/repo</c>), for sources that have one.</summary>
    public IList<string> Repositories { get; } = [];

    /// <summary>Only these services, for sources that have one.</summary>
    public IList<string> Services { get; } = [];

    /// <summary>Drop events below this severity: <c>info</c>, <c>warning</c>, <c>error</c> or <c>critical</c>.</summary>
    public string? MinSeverity { get; set; }

    /// <summary>Drop CI results that did not fail.</summary>
    public bool FailuresOnly { get; set; }

    /// <summary>Why the event is filtered out, or null to keep it.</summary>
    public string? Reject(string source, EventDraft draft)
    {
        ArgumentNullException.ThrowIfNull(draft);
        if (Sources.Count > 0 && !Sources.Contains(source, StringComparer.OrdinalIgnoreCase))
        {
            return $"source {source} is not among this channel's sources";
        }

        if (EventTypes.Count > 0 && !EventTypes.Contains(draft.EventType, StringComparer.OrdinalIgnoreCase))
        {
            return $"event type {draft.EventType} is not among this channel's event types";
        }

        if (Repositories.Count > 0 && draft.Repo is not null && !Repositories.Contains(draft.Repo, StringComparer.OrdinalIgnoreCase))
        {
            return $"repository {draft.Repo} is not among this channel's repositories";
        }

        if (Services.Count > 0 && draft.Service is not null && !Services.Contains(draft.Service, StringComparer.OrdinalIgnoreCase))
        {
            return $"service {draft.Service} is not among this channel's services";
        }

        if (MinSeverity is not null && Severity.Rank(draft.Severity) < Severity.Rank(MinSeverity))
        {
            return $"severity {draft.Severity ?? Severity.Info} is below {MinSeverity}";
        }

        if (FailuresOnly && draft.Outcome == "success")
        {
            return "only failures are forwarded to this channel";
        }

        return null;
    }
}
