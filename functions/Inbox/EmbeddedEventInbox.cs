using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using Serverless.Functions.Events;

namespace Serverless.Functions.Inbox;

/// <summary>
/// The local default's inbox: the semantics of the Storage Queue inbox (arrival order, visibility
/// timeout, delete by receipt, dead-lettering, large payloads kept aside) in memory. Not durable
/// across restarts, which start-up says.
/// </summary>
public sealed class EmbeddedEventInbox(TimeProvider timeProvider, IOptions<InboxOptions> options) : IEventInbox
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, List<Entry>> _queues = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ChannelEvent> _payloads = new(StringComparer.Ordinal);

    public Task<string> StoreAsync(ChannelEvent channelEvent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(channelEvent);
        var queued = channelEvent;
        if (LargePayloads.Serialize(channelEvent).Length > options.Value.MaxInlineBytes)
        {
            queued = LargePayloads.WithoutPayload(channelEvent);
        }

        var entry = new Entry(queued, NewId())
        {
            PopReceipt = NewId(),
            VisibleAt = timeProvider.GetUtcNow(),
        };
        lock (_gate)
        {
            if (!ReferenceEquals(queued, channelEvent))
            {
                _payloads[PayloadKey(channelEvent.Channel, channelEvent.Id)] = channelEvent;
            }

            Queue(QueueNames.ForChannel(channelEvent.Channel)).Add(entry);
        }

        return Task.FromResult(Receipt(entry));
    }

    public Task<InboxBatch> ReceiveAsync(string channel, int maxEvents, TimeSpan visibilityTimeout, CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        var items = new List<InboxItem>();
        var deadLettered = new List<DeadLetteredEvent>();
        lock (_gate)
        {
            var queue = Queue(QueueNames.ForChannel(channel));
            foreach (var entry in queue.ToList())
            {
                if (items.Count >= maxEvents)
                {
                    break;
                }

                if (entry.VisibleAt > now)
                {
                    continue;
                }

                entry.PopReceipt = NewId();
                entry.VisibleAt = now + visibilityTimeout;
                entry.DequeueCount++;
                if (entry.DequeueCount > options.Value.MaxDeliveryAttempts)
                {
                    queue.Remove(entry);
                    var deadLetterName = QueueNames.DeadLetterFor(channel);
                    Queue(deadLetterName).Add(entry);
                    deadLettered.Add(new DeadLetteredEvent(entry.Event.Id, entry.Event.Kind, entry.DequeueCount, deadLetterName));
                    continue;
                }

                items.Add(new InboxItem(entry.Event, Receipt(entry), entry.DequeueCount));
            }
        }

        return Task.FromResult(new InboxBatch(items, deadLettered));
    }

    public Task<bool> AcknowledgeAsync(string channel, string receipt, CancellationToken cancellationToken) =>
        Task.FromResult(WithReceipt(channel, receipt, (queue, entry) => queue.Remove(entry)));

    public Task<bool> ReleaseAsync(string channel, string receipt, CancellationToken cancellationToken) =>
        Task.FromResult(WithReceipt(channel, receipt, (_, entry) =>
        {
            // A new pop receipt, as the service gives on Update Message: the old one no longer acknowledges.
            entry.PopReceipt = NewId();
            entry.VisibleAt = timeProvider.GetUtcNow();
        }));

    public Task<ChannelEvent?> GetPayloadAsync(string channel, string eventId, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult(_payloads.GetValueOrDefault(PayloadKey(channel, eventId)));
        }
    }

    /// <summary>Events waiting in the channel's queue (dead-lettered ones not included).</summary>
    public int Count(string channel) => CountQueue(QueueNames.ForChannel(channel));

    public int CountDeadLettered(string channel) => CountQueue(QueueNames.DeadLetterFor(channel));

    private int CountQueue(string name)
    {
        lock (_gate)
        {
            return _queues.TryGetValue(name, out var queue) ? queue.Count : 0;
        }
    }

    private List<Entry> Queue(string name)
    {
        if (!_queues.TryGetValue(name, out var queue))
        {
            _queues[name] = queue = [];
        }

        return queue;
    }

    private bool WithReceipt(string channel, string receipt, Action<List<Entry>, Entry> apply)
    {
        ArgumentNullException.ThrowIfNull(receipt);
        if (!InboxReceipt.TryParse(receipt, out var messageId, out var popReceipt))
        {
            return false;
        }

        lock (_gate)
        {
            var queue = Queue(QueueNames.ForChannel(channel));
            var entry = queue.Find(e => e.MessageId == messageId && e.PopReceipt == popReceipt);
            if (entry is null)
            {
                return false;
            }

            apply(queue, entry);
            return true;
        }
    }

    private static string PayloadKey(string channel, string eventId) => $"{channel}/{eventId}";

    private static string NewId() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));

    private static string Receipt(Entry entry) => InboxReceipt.Create(entry.MessageId, entry.PopReceipt);

    private sealed class Entry(ChannelEvent channelEvent, string messageId)
    {
        public ChannelEvent Event { get; } = channelEvent;

        public string MessageId { get; } = messageId;

        public required string PopReceipt { get; set; }

        public required DateTimeOffset VisibleAt { get; set; }

        public long DequeueCount { get; set; }
    }
}
