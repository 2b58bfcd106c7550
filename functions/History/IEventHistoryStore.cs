namespace Serverless.Functions.History;

/// <summary>Where event histories and refusal counters live: a table, or memory on the local default.</summary>
public interface IEventHistoryStore
{
    /// <summary>Merges the notes into their events' histories; notes of one event may come in any order.</summary>
    Task WriteAsync(IReadOnlyList<HistoryNote> notes, CancellationToken cancellationToken);

    /// <summary>Adds <paramref name="count"/> refusals to a counter.</summary>
    Task CountRefusalsAsync(string channel, string source, RefusalReason reason, long count, DateTimeOffset at, CancellationToken cancellationToken);

    Task<EventHistoryEntry?> GetAsync(string channel, string eventId, CancellationToken cancellationToken);

    /// <summary>The event's whole envelope as it was accepted, for a replay; null when unknown or gone with the retention.</summary>
    Task<Serverless.Functions.Events.ChannelEvent?> GetEnvelopeAsync(string channel, string eventId, CancellationToken cancellationToken);

    Task<IReadOnlyList<EventHistoryEntry>> ListAsync(string channel, HistoryQuery query, CancellationToken cancellationToken);

    Task<IReadOnlyList<RefusalCount>> RefusalsAsync(string channel, CancellationToken cancellationToken);

    /// <summary>Removes the histories and counters nothing was written to since <paramref name="cutoff"/>; returns how many.</summary>
    Task<int> RemoveOlderThanAsync(DateTimeOffset cutoff, CancellationToken cancellationToken);
}
