namespace Serverless.Functions.History;

/// <summary>What the history knows of one event: what it is, and every step it passed, oldest first.</summary>
public sealed record EventHistoryEntry(string Channel, string EventId, string? Kind, string? Type, string? Summary, IReadOnlyList<StepTime> Steps)
{
    /// <summary>The attributes a playbook rule tests (see <see cref="HistoryMeta"/>); empty for an event whose ingress note is missing.</summary>
    public IReadOnlyDictionary<string, string> Meta { get; init; } = new Dictionary<string, string>();

    /// <summary>The step the event passed last: where it is now.</summary>
    public EventStep? Status => Steps.Count == 0 ? null : Steps[^1].Step;

    /// <summary>When the history first heard of it: received, or the earliest step known.</summary>
    public DateTimeOffset? FirstSeen => Steps.Count == 0 ? null : Steps[0].At;
}
