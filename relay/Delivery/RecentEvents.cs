using System.Text.Json.Nodes;

namespace Serverless.Relay.Delivery;

/// <summary>The envelopes of the last events delivered, so Claude can ask for an event's whole payload.</summary>
public sealed class RecentEvents(int capacity = 500)
{
    private readonly Lock _gate = new();
    private readonly BoundedMap<JsonObject> _byId = new(capacity);

    public int Capacity => capacity;

    public void Add(RelayEvent relayEvent)
    {
        ArgumentNullException.ThrowIfNull(relayEvent);
        lock (_gate)
        {
            _byId.TryAdd(relayEvent.Id, relayEvent.Envelope);
        }
    }

    public JsonObject? Find(string id)
    {
        lock (_gate)
        {
            return _byId.TryGetValue(id, out var envelope) ? envelope : null;
        }
    }
}
