using Serverless.Functions.Publishing;

namespace Serverless.Functions.Relay;

/// <summary>
/// Waiting events, oldest first, each with its receipt (the same shape as a doorbell message), and
/// the events this call gave up on and moved to the dead-letter queue. Not in the contracts: the events
/// are CloudEvents envelopes, which the relay reads field by field as untrusted input.
/// </summary>
public sealed record BacklogResponse(
    IReadOnlyList<RelayMessage> Events,
    IReadOnlyList<DeadLetteredEvent> DeadLettered);
