using Serverless.Relay.Delivery;

namespace Serverless.Relay.Connection;

/// <summary>The function app's relay API: negotiate, backlog, ack.</summary>
public interface IRelayApi
{
    /// <summary>A client access URL for this relay's channel.</summary>
    Task<Uri> NegotiateAsync(CancellationToken cancellationToken);

    /// <summary>The oldest waiting events, hidden from other receivers for the visibility timeout.</summary>
    Task<IReadOnlyList<RelayEvent>> ReceiveBacklogAsync(int max, CancellationToken cancellationToken);

    /// <summary>Removes delivered events from the inbox.</summary>
    Task AcknowledgeAsync(IReadOnlyList<string> receipts, CancellationToken cancellationToken);
}
