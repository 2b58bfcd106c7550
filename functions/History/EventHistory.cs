using System.Threading.Channels;
using Microsoft.Extensions.Options;
using Serverless.Functions.Telemetry;

namespace Serverless.Functions.History;

/// <summary>
/// Takes history notes and refusals without waiting on storage: they go into a bounded queue that
/// <see cref="HistoryWriter"/> drains in batches. A webhook never pays a history round trip and is never held
/// by a slow table; if the queue is full a note is dropped and counted, never the event (the inbox stays the
/// truth, and the history is only its account).
/// </summary>
public sealed partial class EventHistory(IEventHistoryStore store, TimeProvider timeProvider, IOptions<HistoryOptions> options, ILogger<EventHistory> logger)
{
    private const int BatchSize = 100;

    private readonly Channel<object> _pending = Channel.CreateBounded<object>(new BoundedChannelOptions(options.Value.MaxPendingNotes)
    {
        // Wait, not DropWrite: only TryWrite is used, which then fails on a full queue (DropWrite reports success).
        FullMode = BoundedChannelFullMode.Wait,
        SingleReader = true,
    });

    private readonly RefusalChannels _meteredChannels = new();
    private long _dropped;

    /// <summary>Notes dropped because the queue was full, since start.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    public TimeProvider Clock => timeProvider;

    public void Record(HistoryNote note)
    {
        ArgumentNullException.ThrowIfNull(note);
        Enqueue(note);
    }

    /// <summary>One step of an event, now.</summary>
    public void Record(string channel, string eventId, EventStep step, string? detail = null) =>
        Enqueue(new HistoryNote(channel, eventId, [new StepTime(step, timeProvider.GetUtcNow(), detail)]));

    public void Refuse(string channel, string source, RefusalReason reason)
    {
        // The metric's channel tag is bounded like the counters: a made-up name would otherwise be a time series of its own.
        EventTelemetry.CountRefused(source, _meteredChannels.Admit(source, channel), reason.ToString());
        Enqueue(new Refusal(channel, source, reason, timeProvider.GetUtcNow()));
    }

    /// <summary>Waits until something is pending, or the token fires.</summary>
    public ValueTask<bool> WaitAsync(CancellationToken cancellationToken) => _pending.Reader.WaitToReadAsync(cancellationToken);

    /// <summary>
    /// Writes what is pending now, a batch at a time. A failed batch is logged and dropped: the history of those
    /// events has a gap, and nothing else is affected.
    /// </summary>
    public async Task DrainAsync(CancellationToken cancellationToken)
    {
        var notes = new List<HistoryNote>(BatchSize);
        var refusals = new Dictionary<(string, string, RefusalReason), (long Count, DateTimeOffset At)>();
        while (true)
        {
            notes.Clear();
            refusals.Clear();
            while (notes.Count + refusals.Count < BatchSize && _pending.Reader.TryRead(out var item))
            {
                switch (item)
                {
                    case HistoryNote note:
                        notes.Add(note);
                        break;
                    case Refusal r:
                        var key = (r.Channel, r.Source, r.Reason);
                        var (count, _) = refusals.GetValueOrDefault(key);
                        refusals[key] = (count + 1, r.At);
                        break;
                }
            }

            if (notes.Count + refusals.Count == 0)
            {
                return;
            }

            try
            {
                if (notes.Count > 0)
                {
                    await store.WriteAsync(notes, cancellationToken);
                }

                foreach (var ((channel, source, reason), (count, at)) in refusals)
                {
                    await store.CountRefusalsAsync(channel, source, reason, count, at, cancellationToken);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                LogWriteFailed(ex, notes.Count, refusals.Count);
            }
        }
    }

    private void Enqueue(object item)
    {
        if (!_pending.Writer.TryWrite(item) && Interlocked.Increment(ref _dropped) is 1 or 1000 or 100_000)
        {
            LogDropped(Dropped);
        }
    }

    private sealed record Refusal(string Channel, string Source, RefusalReason Reason, DateTimeOffset At);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Event history: {Notes} notes and {Refusals} refusal counters could not be written; those events' histories have a gap")]
    private partial void LogWriteFailed(Exception exception, int notes, int refusals);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Event history: the write queue is full; {Dropped} notes dropped so far (the events themselves are stored)")]
    private partial void LogDropped(long dropped);
}
