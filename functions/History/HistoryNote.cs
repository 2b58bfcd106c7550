using Serverless.Functions.Events;

namespace Serverless.Functions.History;

/// <summary>
/// One write to an event's history: the steps it passed since the last note, and (on its first note)
/// what the event is. Notes of one event merge; none replaces another.
/// </summary>
public sealed record HistoryNote(string Channel, string EventId, IReadOnlyList<StepTime> Steps)
{
    public string? Kind { get; init; }

    public string? Type { get; init; }

    public string? Summary { get; init; }

    /// <summary>The whole envelope, on the ingress note: kept for the retention so the event can be replayed, and the source of its meta.</summary>
    public ChannelEvent? Envelope { get; init; }
}
