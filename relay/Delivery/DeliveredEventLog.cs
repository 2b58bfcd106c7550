namespace Serverless.Relay.Delivery;

/// <summary>
/// The ids of events already handed to Claude Code, bounded (oldest forgotten first), so an event
/// that comes again through the backlog or a redelivered doorbell is not shown twice.
/// </summary>
public sealed class DeliveredEventLog(int capacity = 10_000)
{
    private readonly Lock _gate = new();
    private readonly HashSet<string> _ids = new(StringComparer.Ordinal);
    private readonly Queue<string> _order = new();

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _ids.Count;
            }
        }
    }

    public bool Contains(string id)
    {
        lock (_gate)
        {
            return _ids.Contains(id);
        }
    }

    public void Add(string id)
    {
        lock (_gate)
        {
            if (!_ids.Add(id))
            {
                return;
            }

            _order.Enqueue(id);
            while (_order.Count > capacity)
            {
                _ids.Remove(_order.Dequeue());
            }
        }
    }
}
