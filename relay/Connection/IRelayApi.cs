using System.Text.Json.Nodes;
using Serverless.Contracts;

namespace Serverless.Relay.Connection;

/// <summary>The function app's relay API: negotiate, backlog, ack, and large payloads.</summary>
public interface IRelayApi
{
    /// <summary>A client access URL for this relay's channel.</summary>
    Task<Uri> NegotiateAsync(CancellationToken cancellationToken);

    /// <summary>The oldest waiting events, hidden from other receivers for the visibility timeout.</summary>
    Task<BacklogBatch> ReceiveBacklogAsync(int max, CancellationToken cancellationToken);

    /// <summary>
    /// Removes delivered events from the inbox; the answer counts the receipts that were stale (their event was
    /// received again since). <paramref name="deliveries"/>, one per receipt or none, tells the app's history when
    /// each was taken and shown.
    /// </summary>
    Task<AckResponse> AcknowledgeAsync(IReadOnlyList<string> receipts, IReadOnlyList<ReceiptDelivery?>? deliveries, CancellationToken cancellationToken);

    /// <summary>Makes events that were taken but not shown visible again at once, instead of after the visibility timeout.</summary>
    Task ReleaseAsync(IReadOnlyList<string> receipts, CancellationToken cancellationToken);

    /// <summary>The whole envelope of an event whose payload was kept aside (its <c>dataref</c>); null if unknown.</summary>
    Task<JsonObject?> GetEventAsync(string eventId, CancellationToken cancellationToken);
}
