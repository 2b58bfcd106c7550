using System.Security.Cryptography;
using Serverless.Functions.Events;

namespace Serverless.Functions.Inbox;

/// <summary>
/// The local default's inbox: the semantics of a Storage Queue (arrival order, visibility timeout,
/// delete by receipt) kept in memory. Not durable across restarts, which start-up says.
/// </summary>
public sealed class EmbeddedEventInbox(TimeProvider timeProvider) : IEventInbox
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, List<Entry>> _queues = new(StringComparer.Ordinal);

    public Task<string> StoreAsync(ChannelEvent channelEvent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(channelEvent);
        var entry = new Entry(channelEvent, NewId())
        {
            PopReceipt = NewId(),
            VisibleAt = timeProvider.GetUtcNow(),
        };
        lock (_gate)
        {
            if (!_queues.TryGetValue(channelEvent.Channel, out var queue))
            {
                _queues[channelEvent.Channel] = queue = [];
            }

            queue.Add(entry);
        }

        return Task.FromResult(Receipt(entry));
    }

    public Task<IReadOnlyList<InboxItem>> ReceiveAsync(string channel, int maxEvents, TimeSpan visibilityTimeout, CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        var items = new List<InboxItem>();
        lock (_gate)
        {
            if (_queues.TryGetValue(channel, out var queue))
            {
                foreach (var entry in queue)
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
                    items.Add(new InboxItem(entry.Event, Receipt(entry), entry.DequeueCount));
                }
            }
        }

        return Task.FromResult<IReadOnlyList<InboxItem>>(items);
    }

    public Task<bool> AcknowledgeAsync(string channel, string receipt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(receipt);
        var parts = receipt.Split(':');
        if (parts.Length != 2)
        {
            return Task.FromResult(false);
        }

        lock (_gate)
        {
            if (_queues.TryGetValue(channel, out var queue))
            {
                var removed = queue.RemoveAll(e => e.MessageId == parts[0] && e.PopReceipt == parts[1]);
                return Task.FromResult(removed > 0);
            }
        }

        return Task.FromResult(false);
    }

    public int Count(string channel)
    {
        lock (_gate)
        {
            return _queues.TryGetValue(channel, out var queue) ? queue.Count : 0;
        }
    }

    private static string NewId() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));

    private static string Receipt(Entry entry) => $"{entry.MessageId}:{entry.PopReceipt}";

    private sealed class Entry(ChannelEvent channelEvent, string messageId)
    {
        public ChannelEvent Event { get; } = channelEvent;

        public string MessageId { get; } = messageId;

        public required string PopReceipt { get; set; }

        public required DateTimeOffset VisibleAt { get; set; }

        public long DequeueCount { get; set; }
    }
}
