using System.Collections.Concurrent;

namespace Serverless.Functions.Sources.Dedupe;

/// <summary>The local default's delivery log: in memory, expired entries swept as it goes.</summary>
public sealed class EmbeddedDeliveryLog(TimeProvider timeProvider) : IDeliveryLog
{
    private readonly ConcurrentDictionary<string, DateTimeOffset> _expiries = new(StringComparer.Ordinal);
    private int _writes;

    public Task<bool> SeenAsync(string source, string channel, string key, CancellationToken cancellationToken) =>
        Task.FromResult(_expiries.TryGetValue(Key(source, channel, key), out var expires) && expires > timeProvider.GetUtcNow());

    public Task RecordAsync(string source, string channel, string key, TimeSpan retention, CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        _expiries[Key(source, channel, key)] = now + retention;
        if (Interlocked.Increment(ref _writes) % 1000 == 0)
        {
            foreach (var (k, expires) in _expiries)
            {
                if (expires <= now)
                {
                    _expiries.TryRemove(k, out _);
                }
            }
        }

        return Task.CompletedTask;
    }

    private static string Key(string source, string channel, string key) => $"{source}\n{channel}\n{key}";
}
