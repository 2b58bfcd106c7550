using System.Text.Json.Nodes;

namespace Serverless.Relay.Delivery;

/// <summary>The envelopes of the last events delivered, so Claude can ask for an event's whole payload.</summary>
public sealed class RecentEvents(int capacity = 500)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, JsonObject> _byId = new(StringComparer.Ordinal);
    private readonly Queue<string> _order = new();

    public int Capacity => capacity;

    public void Add(RelayEvent relayEvent)
    {
        ArgumentNullException.ThrowIfNull(relayEvent);
        lock (_gate)
        {
            if (_byId.TryAdd(relayEvent.Id, relayEvent.Envelope))
            {
                _order.Enqueue(relayEvent.Id);
                while (_order.Count > capacity)
                {
                    _byId.Remove(_order.Dequeue());
                }
            }
        }
    }

    public JsonObject? Find(string id)
    {
        lock (_gate)
        {
            return _byId.GetValueOrDefault(id);
        }
    }
}
