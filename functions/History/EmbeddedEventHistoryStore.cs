using System.Collections.Concurrent;
using System.Text.Json;
using Serverless.Functions.Events;

namespace Serverless.Functions.History;

/// <summary>
/// The history in memory, for the local default: gone with the process, like the embedded inbox, and bounded
/// like it. Past <c>maxEvents</c> (and a tenth, so trimming is not done on every write) the events whose last
/// step is oldest are forgotten.
/// </summary>
public sealed class EmbeddedEventHistoryStore(int maxEvents = 10_000) : IEventHistoryStore
{
    private readonly ConcurrentDictionary<(string Channel, string Id), Row> _events = new();
    private readonly ConcurrentDictionary<(string Channel, string Source, RefusalReason Reason), Counter> _refusals = new();
    private readonly RefusalChannels _refusalChannels = new();

    public Task WriteAsync(IReadOnlyList<HistoryNote> notes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(notes);
        foreach (var note in notes)
        {
            var row = _events.GetOrAdd((note.Channel, note.EventId), static _ => new Row());
            // Kept as JSON, one array per event, not as the envelope's object graph: thousands of kept events then
            // cost the garbage collector little. Serialised here, on the history writer, off the webhook's path.
            var envelope = note.Envelope is { } e ? JsonSerializer.SerializeToUtf8Bytes(e, EventJsonContext.Default.ChannelEvent) : null;
            string?[]? meta = note.Envelope is { } m ? [.. HistoryMeta.Fields.Select(f => f.Read(m))] : null;
            lock (row)
            {
                row.Kind ??= note.Kind;
                row.Type ??= note.Type;
                row.Summary ??= note.Summary;
                row.Envelope ??= envelope;
                row.MetaValues ??= meta;
                foreach (var step in note.Steps)
                {
                    row.Steps[step.Step] = step;
                    row.LastAt = row.LastAt > step.At ? row.LastAt : step.At;
                }
            }
        }

        if (_events.Count > maxEvents + (maxEvents / 10))
        {
            Trim();
        }

        return Task.CompletedTask;
    }

    public Task CountRefusalsAsync(string channel, string source, RefusalReason reason, long count, DateTimeOffset at, CancellationToken cancellationToken)
    {
        var counter = _refusals.GetOrAdd((_refusalChannels.Admit(source, channel), source, reason), static _ => new Counter());
        lock (counter)
        {
            counter.Count += count;
            counter.LastAt = counter.LastAt > at ? counter.LastAt : at;
        }

        return Task.CompletedTask;
    }

    public Task<EventHistoryEntry?> GetAsync(string channel, string eventId, CancellationToken cancellationToken) =>
        Task.FromResult(_events.TryGetValue((channel, eventId), out var row) ? ToEntry(channel, eventId, row) : null);

    public Task<ChannelEvent?> GetEnvelopeAsync(string channel, string eventId, CancellationToken cancellationToken)
    {
        if (!_events.TryGetValue((channel, eventId), out var row))
        {
            return Task.FromResult<ChannelEvent?>(null);
        }

        byte[]? json;
        lock (row)
        {
            json = row.Envelope;
        }

        return Task.FromResult(json is null ? null : JsonSerializer.Deserialize(json, EventJsonContext.Default.ChannelEvent));
    }

    public Task<IReadOnlyList<EventHistoryEntry>> ListAsync(string channel, HistoryQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        IReadOnlyList<EventHistoryEntry> entries = HistoryOrder.Select(
            _events.Where(e => e.Key.Channel == channel).Select(e => ToEntry(channel, e.Key.Id, e.Value)),
            query);
        return Task.FromResult(entries);
    }

    public Task<IReadOnlyList<RefusalCount>> RefusalsAsync(string channel, CancellationToken cancellationToken)
    {
        IReadOnlyList<RefusalCount> counts = [.. _refusals
            .Where(r => r.Key.Channel == channel)
            .Select(r => { lock (r.Value) { return new RefusalCount(channel, r.Key.Source, r.Key.Reason, r.Value.Count, r.Value.LastAt); } })
            .OrderBy(r => r.Source, StringComparer.Ordinal).ThenBy(r => r.Reason)];
        return Task.FromResult(counts);
    }

    public Task<int> RemoveOlderThanAsync(DateTimeOffset cutoff, CancellationToken cancellationToken)
    {
        var removed = RemoveOlderThan(_events, cutoff);
        var refusals = RemoveOlderThan(_refusals, cutoff);
        if (refusals > 0)
        {
            // A channel whose counters expired frees its place for another.
            _refusalChannels.Clear();
            foreach (var (channel, source, _) in _refusals.Keys)
            {
                _refusalChannels.Admit(source, channel);
            }
        }

        return Task.FromResult(removed + refusals);
    }

    private static int RemoveOlderThan<TKey, TValue>(ConcurrentDictionary<TKey, TValue> items, DateTimeOffset cutoff)
        where TKey : notnull
        where TValue : Stamped
    {
        var removed = 0;
        foreach (var (key, item) in items)
        {
            if (item.Last < cutoff && items.TryRemove(key, out _))
            {
                removed++;
            }
        }

        return removed;
    }

    /// <summary>Forgets the events whose last step is oldest, down to the bound; only the history writer writes, so this runs alone.</summary>
    private void Trim()
    {
        var byAge = _events.Select(e => (e.Key, At: e.Value.Last)).OrderBy(e => e.At).ToList();
        foreach (var (key, _) in byAge.Take(byAge.Count - maxEvents))
        {
            _events.TryRemove(key, out _);
        }
    }

    private static EventHistoryEntry ToEntry(string channel, string id, Row row)
    {
        lock (row)
        {
            return new EventHistoryEntry(channel, id, row.Kind, row.Type, row.Summary, HistoryOrder.Steps(row.Steps.Values))
            {
                Meta = HistoryMeta.With(channel, row.MetaValues is { } values ? HistoryMeta.Fields.Select((f, i) => (f.Key, values[i])) : []),
            };
        }
    }

    /// <summary>Something kept until a time after its last change; changed and read under its own lock.</summary>
    private abstract class Stamped
    {
        public DateTimeOffset LastAt { get; set; }

        public DateTimeOffset Last
        {
            get
            {
                lock (this)
                {
                    return LastAt;
                }
            }
        }
    }

    private sealed class Row : Stamped
    {
        public string? Kind { get; set; }

        public string? Type { get; set; }

        public string? Summary { get; set; }

        /// <summary>The accepted envelope as JSON, for a replay.</summary>
        public byte[]? Envelope { get; set; }

        /// <summary>The values of <see cref="HistoryMeta.Fields"/>, in their order.</summary>
        public string?[]? MetaValues { get; set; }

        public Dictionary<EventStep, StepTime> Steps { get; } = [];
    }

    private sealed class Counter : Stamped
    {
        public long Count { get; set; }
    }
}
