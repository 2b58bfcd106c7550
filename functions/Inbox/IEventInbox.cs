using Serverless.Functions.Events;

namespace Serverless.Functions.Inbox;

/// <summary>
/// The durable store of accepted events, one queue per channel. An event leaves it only when the
/// relay acknowledges it; one that is received and not acknowledged comes back after its visibility timeout,
/// and one that came back too often moves to the channel's dead-letter queue.
/// </summary>
public interface IEventInbox
{
    /// <summary>Stores the event; returns the receipt that acknowledges it without receiving it first.</summary>
    Task<string> StoreAsync(ChannelEvent channelEvent, CancellationToken cancellationToken);

    /// <summary>The oldest events of the channel, hidden from other receivers for <paramref name="visibilityTimeout"/>.</summary>
    Task<InboxBatch> ReceiveAsync(string channel, int maxEvents, TimeSpan visibilityTimeout, CancellationToken cancellationToken);

    /// <summary>Removes an event for good. False when the receipt is stale (someone received it since).</summary>
    Task<bool> AcknowledgeAsync(string channel, string receipt, CancellationToken cancellationToken);

    /// <summary>
    /// Makes a received event visible again at once (the relay took it but could not show it). False when
    /// the receipt is stale. The old receipt no longer acknowledges it.
    /// </summary>
    Task<bool> ReleaseAsync(string channel, string receipt, CancellationToken cancellationToken);

    /// <summary>The whole envelope of an event whose payload was too large for a queue message, or null.</summary>
    Task<ChannelEvent?> GetPayloadAsync(string channel, string eventId, CancellationToken cancellationToken);
}
