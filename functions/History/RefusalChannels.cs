namespace Serverless.Functions.History;

/// <summary>
/// The channels that get refusal counters of their own, first come first counted, up to
/// <see cref="RefusalCount.MaxChannelsPerSource"/> per source; every later one is counted under
/// <see cref="RefusalCount.OtherChannels"/>. In memory: one process's view, which the Table store backs with a durable one.
/// </summary>
public sealed class RefusalChannels
{
    private readonly Dictionary<string, HashSet<string>> _admitted = new(StringComparer.Ordinal);

    /// <summary>The channel itself when it has (or now gets) its own counters, else <see cref="RefusalCount.OtherChannels"/>.</summary>
    public string Admit(string source, string channel)
    {
        lock (_admitted)
        {
            if (!_admitted.TryGetValue(source, out var channels))
            {
                _admitted[source] = channels = new HashSet<string>(StringComparer.Ordinal);
            }

            return channels.Contains(channel) || (channels.Count < RefusalCount.MaxChannelsPerSource && channels.Add(channel))
                ? channel
                : RefusalCount.OtherChannels;
        }
    }

    /// <summary>Forgets every admission, after retention removed the counters they were for.</summary>
    public void Clear()
    {
        lock (_admitted)
        {
            _admitted.Clear();
        }
    }
}
