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
}
