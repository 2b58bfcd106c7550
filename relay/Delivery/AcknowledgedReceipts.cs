namespace Serverless.Relay.Delivery;

/// <summary>
/// The newest receipt the relay has queued for acknowledgement, per event id, bounded (oldest forgotten
/// first), so a doorbell for an event that is already acknowledged does not cost a call. A receipt from a
/// backlog receive is the newest an event can have: a doorbell carries the receipt of the store, and every
/// receive since replaced it. So once a receive's receipt is queued, any doorbell's receipt for that event is
/// stale, and acknowledging it again would only come back as stale. Not thread-safe: used under
/// <see cref="EventDelivery"/>'s serialisation.
/// </summary>
internal sealed class AcknowledgedReceipts(int capacity)
{
    private readonly BoundedMap<(string Receipt, bool Received)> _byId = new(capacity);

    public void Record(string eventId, string receipt, bool received)
    {
        // A doorbell's receipt never replaces a receive's: the receive's is newer.
        if (_byId.TryGetValue(eventId, out var known) && known.Received && !received)
        {
            return;
        }

        _byId.Set(eventId, (receipt, received));
    }

    /// <summary>True when acknowledging <paramref name="receipt"/> would add nothing: it, or a newer receipt of the event, is already queued.</summary>
    public bool Covers(string eventId, string receipt) =>
        _byId.TryGetValue(eventId, out var known) && (known.Received || string.Equals(known.Receipt, receipt, StringComparison.Ordinal));
}
