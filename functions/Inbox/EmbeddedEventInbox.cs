using System.Globalization;
using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using Serverless.Functions.Events;

namespace Serverless.Functions.Inbox;

/// <summary>
/// The local default's inbox: the semantics of the Storage Queue inbox (arrival order, visibility
/// timeout, delete by receipt, dead-lettering, large payloads kept aside) in memory. Not durable
/// across restarts, which start-up says. Bounded by <see cref="InboxOptions.MaxEmbeddedEvents"/> and
/// <see cref="InboxOptions.MaxEmbeddedBytes"/>; every operation costs the same whatever the backlog (no
/// scan of a queue per receive or acknowledgement), and an acknowledged event's payload is freed.
/// </summary>
public sealed class EmbeddedEventInbox(TimeProvider timeProvider, IOptions<InboxOptions> options) : IEventInbox, IDeadLetterInbox, IBacklogDepth
{
    private readonly Lock _gate = new();
    private readonly string _idPrefix = RandomNumberGenerator.GetHexString(8, lowercase: true);
    private long _lastId;
    private readonly Dictionary<string, ChannelQueue> _queues = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ChannelEvent> _payloads = new(StringComparer.Ordinal);
    private long _sequence;
    private int _events;
    private long _bytes;

    public Task<string> StoreAsync(ChannelEvent channelEvent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(channelEvent);
        var size = LargePayloads.SizeOf(channelEvent);
        var queued = size > options.Value.MaxInlineBytes ? LargePayloads.WithoutPayload(channelEvent) : channelEvent;
        var (messageId, popReceipt) = (NewId(), NewId());
        lock (_gate)
        {
            if (_events >= options.Value.MaxEmbeddedEvents || _bytes + size > options.Value.MaxEmbeddedBytes)
            {
                throw new InboxFullException(
                    $"The in-memory inbox is full ({_events} events, {_bytes / (1024 * 1024)} MiB): nothing was stored. Connect a relay to drain it, or set Storage:ConnectionString for a durable inbox.");
            }

            var entry = new Entry(queued, messageId, ++_sequence, size)
            {
                PopReceipt = popReceipt,
                PayloadKey = ReferenceEquals(queued, channelEvent) ? null : PayloadKey(channelEvent.Channel, channelEvent.Id),
            };
            if (entry.PayloadKey is { } key)
            {
                _payloads[key] = channelEvent;
            }

            Queue(channelEvent.Channel).Add(entry);
            _events++;
            _bytes += size;
            return Task.FromResult(Receipt(entry));
        }
    }

    public Task<InboxBatch> ReceiveAsync(string channel, int maxEvents, TimeSpan visibilityTimeout, CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        var items = new List<InboxItem>();
        var deadLettered = new List<DeadLetteredEvent>();
        lock (_gate)
        {
            var queue = Queue(channel);
            queue.RevealDue(now);
            while (items.Count < maxEvents && queue.TakeOldestVisible() is { } entry)
            {
                entry.DequeueCount++;
                if (entry.DequeueCount > options.Value.MaxDeliveryAttempts)
                {
                    queue.DeadLetter(entry);
                    deadLettered.Add(new DeadLetteredEvent(entry.Event.Id, entry.Event.Kind, entry.DequeueCount, QueueNames.DeadLetterFor(channel)));
                    continue;
                }

                entry.PopReceipt = NewId();
                queue.Hide(entry, now + visibilityTimeout);
                items.Add(new InboxItem(entry.Event, Receipt(entry), entry.DequeueCount));
            }
        }

        return Task.FromResult(new InboxBatch(items, deadLettered));
    }

    public Task<bool> AcknowledgeAsync(string channel, string receipt, CancellationToken cancellationToken) =>
        Task.FromResult(WithReceipt(channel, receipt, (queue, entry) =>
        {
            queue.Remove(entry);
            _events--;
            _bytes -= entry.Size;
            if (entry.PayloadKey is { } key)
            {
                _payloads.Remove(key);
            }
        }));

    public Task<bool> ReleaseAsync(string channel, string receipt, CancellationToken cancellationToken) =>
        Task.FromResult(WithReceipt(channel, receipt, (queue, entry) =>
        {
            // A new pop receipt, as the service gives on Update Message: the old one no longer acknowledges.
            entry.PopReceipt = NewId();
            queue.Reveal(entry);
        }));

    public Task<ChannelEvent?> GetPayloadAsync(string channel, string eventId, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult(_payloads.GetValueOrDefault(PayloadKey(channel, eventId)));
        }
    }

    public IReadOnlyList<(string Channel, long Depth)> Depths()
    {
        lock (_gate)
        {
            return [.. _queues.Select(q => (q.Key, (long)q.Value.Count))];
        }
    }

    /// <summary>Events waiting in the channel's queue (dead-lettered ones not included).</summary>
    public int Count(string channel)
    {
        lock (_gate)
        {
            return _queues.TryGetValue(channel, out var queue) ? queue.Count : 0;
        }
    }

    public Task<IReadOnlyList<InboxItem>> RedriveAsync(string channel, int maxEvents, CancellationToken cancellationToken)
    {
        var items = new List<InboxItem>();
        lock (_gate)
        {
            var queue = Queue(channel);
            foreach (var entry in queue.TakeDeadLettered(maxEvents))
            {
                entry.DequeueCount = 0;
                entry.PopReceipt = NewId();
                queue.Add(entry);
                items.Add(new InboxItem(entry.Event, Receipt(entry), 0));
            }
        }

        return Task.FromResult<IReadOnlyList<InboxItem>>(items);
    }

    public int CountDeadLettered(string channel)
    {
        lock (_gate)
        {
            return _queues.TryGetValue(channel, out var queue) ? queue.DeadLetteredCount : 0;
        }
    }

    private ChannelQueue Queue(string channel)
    {
        if (!_queues.TryGetValue(channel, out var queue))
        {
            _queues[channel] = queue = new ChannelQueue();
        }

        return queue;
    }

    private bool WithReceipt(string channel, string receipt, Action<ChannelQueue, Entry> apply)
    {
        ArgumentNullException.ThrowIfNull(receipt);
        if (!InboxReceipt.TryParse(receipt, out var messageId, out var popReceipt))
        {
            return false;
        }

        lock (_gate)
        {
            if (!_queues.TryGetValue(channel, out var queue) || queue.Find(messageId) is not { } entry || entry.PopReceipt != popReceipt)
            {
                return false;
            }

            apply(queue, entry);
            return true;
        }
    }

    private static string PayloadKey(string channel, string eventId) => $"{channel}/{eventId}";

    // Unique, not secret: a receipt only works with the channel's relay token, which can receive and
    // acknowledge anyway; so a counter, not a random number drawn per event (and under the lock).
    // The prefix keeps an id from an earlier run of the app from naming an entry of this one.
    private string NewId() => string.Concat(_idPrefix, Interlocked.Increment(ref _lastId).ToString("x16", CultureInfo.InvariantCulture));

    private static string Receipt(Entry entry) => InboxReceipt.Create(entry.Event.Id, entry.MessageId, entry.PopReceipt);

    /// <summary>
    /// One channel's queue: the visible events in arrival order, the hidden ones by the time they become
    /// visible again, and every event by message id. A hidden event that was acknowledged or released
    /// stays in the timetable until its time comes and is then skipped (its version moved on).
    /// </summary>
    private sealed class ChannelQueue
    {
        private readonly SortedSet<Entry> _visible = new(Comparer<Entry>.Create((a, b) => a.Sequence.CompareTo(b.Sequence)));
        private readonly PriorityQueue<(Entry Entry, int Version), DateTimeOffset> _hidden = new();
        private readonly Dictionary<string, Entry> _byId = new(StringComparer.Ordinal);

        private readonly List<Entry> _deadLettered = [];

        public int Count => _byId.Count;

        /// <summary>Dead-lettered events stay (and count towards the bound), as they would in <c>dl-{channel}</c>.</summary>
        public int DeadLetteredCount => _deadLettered.Count;

        public void Add(Entry entry)
        {
            _byId[entry.MessageId] = entry;
            _visible.Add(entry);
        }

        public Entry? Find(string messageId) => _byId.GetValueOrDefault(messageId);

        public void RevealDue(DateTimeOffset now)
        {
            while (_hidden.TryPeek(out var item, out var visibleAt) && visibleAt <= now)
            {
                _hidden.Dequeue();
                // Acknowledged, released or dead-lettered since it was hidden: its version moved on.
                if (item.Version == item.Entry.Version)
                {
                    Reveal(item.Entry);
                }
            }
        }

        public Entry? TakeOldestVisible()
        {
            if (_visible.Min is not { } oldest)
            {
                return null;
            }

            _visible.Remove(oldest);
            return oldest;
        }

        public void Hide(Entry entry, DateTimeOffset until)
        {
            entry.Version++;
            _hidden.Enqueue((entry, entry.Version), until);
        }

        public void Reveal(Entry entry)
        {
            entry.Version++;
            _visible.Add(entry);
        }

        public void Remove(Entry entry)
        {
            entry.Version++;
            _visible.Remove(entry);
            _byId.Remove(entry.MessageId);
        }

        public List<Entry> TakeDeadLettered(int max)
        {
            var taken = _deadLettered.Take(max).ToList();
            _deadLettered.RemoveRange(0, taken.Count);
            return taken;
        }

        public void DeadLetter(Entry entry)
        {
            Remove(entry);
            _deadLettered.Add(entry);
        }
    }

    private sealed class Entry(ChannelEvent channelEvent, string messageId, long sequence, int size)
    {
        public ChannelEvent Event { get; } = channelEvent;

        public string MessageId { get; } = messageId;

        public long Sequence { get; } = sequence;

        public int Size { get; } = size;

        public string? PayloadKey { get; init; }

        public required string PopReceipt { get; set; }

        public long DequeueCount { get; set; }

        public int Version { get; set; }
    }
}
