using System.Collections.Concurrent;
using Azure.Storage.Queues;

namespace Serverless.Functions.Inbox;

/// <summary>
/// The approximate message count of each watched channel queue, read from Storage at most every
/// <see cref="RefreshInterval"/>: a metrics callback reads the cached value and, when it is old, starts one
/// refresh in the background, so collecting metrics never waits on (nor floods) the queue service.
/// </summary>
public sealed partial class QueueDepthCache(TimeProvider timeProvider, ILogger logger)
{
    public static readonly TimeSpan RefreshInterval = TimeSpan.FromSeconds(30);

    private static readonly TimeSpan ReadBudget = TimeSpan.FromSeconds(10);

    private readonly ConcurrentDictionary<string, Entry> _channels = new(StringComparer.Ordinal);
    private int _failures;

    /// <summary>Follows a channel's queue from now on; its depth is read at the next observation.</summary>
    public void Watch(string channel, QueueClient queue) => _channels.TryAdd(channel, new Entry(queue));

    public IReadOnlyList<(string Channel, long Depth)> Depths()
    {
        var now = timeProvider.GetUtcNow().UtcTicks;
        var depths = new List<(string, long)>(_channels.Count);
        foreach (var (channel, entry) in _channels)
        {
            if (Volatile.Read(ref entry.Depth) is >= 0 and var depth)
            {
                depths.Add((channel, depth));
            }

            if (now - Volatile.Read(ref entry.ReadAtTicks) >= RefreshInterval.Ticks && Interlocked.CompareExchange(ref entry.Refreshing, 1, 0) == 0)
            {
                // Stamped when started, so a failing read is not retried at every collection either.
                Volatile.Write(ref entry.ReadAtTicks, now);
                _ = Task.Run(() => RefreshAsync(channel, entry));
            }
        }

        return depths;
    }

    private async Task RefreshAsync(string channel, Entry entry)
    {
        try
        {
            using var budget = new CancellationTokenSource(ReadBudget, timeProvider);
            var properties = await entry.Queue.GetPropertiesAsync(budget.Token).ConfigureAwait(false);
            Volatile.Write(ref entry.Depth, properties.Value.ApproximateMessagesCount);
        }
        catch (Exception ex)
        {
            // The gauge keeps its last value; a storage outage is logged once, then every hundredth time.
            if (Interlocked.Increment(ref _failures) % 100 == 1)
            {
                LogReadFailed(ex, channel);
            }
        }
        finally
        {
            Volatile.Write(ref entry.Refreshing, 0);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The backlog depth of channel {Channel} could not be read; the gauge keeps its last value")]
    private partial void LogReadFailed(Exception exception, string channel);

    private sealed class Entry(QueueClient queue)
    {
        public readonly QueueClient Queue = queue;
        public long Depth = -1;
        public long ReadAtTicks = DateTimeOffset.MinValue.UtcTicks;
        public int Refreshing;
    }
}
