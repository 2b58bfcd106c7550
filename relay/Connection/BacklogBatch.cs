using Serverless.Contracts;
using Serverless.Relay.Delivery;

namespace Serverless.Relay.Connection;

/// <summary>What one backlog call returned: events to deliver, and events the inbox gave up on.</summary>
public sealed record BacklogBatch(IReadOnlyList<RelayEvent> Events, IReadOnlyList<DeadLetteredEvent> DeadLettered)
{
    public static readonly BacklogBatch Empty = new([], []);
}
