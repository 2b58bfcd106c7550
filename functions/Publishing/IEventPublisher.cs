using Serverless.Functions.Events;

namespace Serverless.Functions.Publishing;

/// <summary>The doorbell: tells a channel's connected relay that an event is waiting.</summary>
public interface IEventPublisher
{
    /// <param name="channelEvent">The stored event.</param>
    /// <param name="receipt">The inbox receipt the relay uses to acknowledge it.</param>
    /// <returns>False when the publisher knows no relay listens on the channel (nothing was sent); true otherwise.</returns>
    Task<bool> PublishAsync(ChannelEvent channelEvent, string receipt, CancellationToken cancellationToken);
}
