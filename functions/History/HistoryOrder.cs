namespace Serverless.Functions.History;

/// <summary>The one ordering both stores use: steps by time (ties in path order), events newest first.</summary>
public static class HistoryOrder
{
    public static IReadOnlyList<StepTime> Steps(IEnumerable<StepTime> steps) => [.. steps.OrderBy(s => s.At).ThenBy(s => s.Step)];

    public static IReadOnlyList<EventHistoryEntry> Select(IEnumerable<EventHistoryEntry> entries, HistoryQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        return [.. entries
            .Where(e => query.Status is null || e.Status == query.Status)
            .Where(e => query.Kind is null || string.Equals(e.Kind, query.Kind, StringComparison.Ordinal))
            .Where(e => query.Since is null || e.Steps.Any(s => s.At >= query.Since))
            .OrderByDescending(e => e.FirstSeen)
            .ThenByDescending(e => e.EventId, StringComparer.Ordinal)
            .Take(Math.Clamp(query.Limit, 1, HistoryQuery.MaxLimit))];
    }
}
