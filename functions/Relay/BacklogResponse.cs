using Serverless.Functions.Inbox;
using Serverless.Functions.Publishing;

namespace Serverless.Functions.Relay;

/// <summary>
/// Waiting events, oldest first, each with its receipt (the same shape as a doorbell message), and
/// the events this call gave up on and moved to the dead-letter queue.
/// </summary>
public sealed record BacklogResponse(IReadOnlyList<RelayMessage> Events, IReadOnlyList<DeadLetteredEvent> DeadLettered);
