using Serverless.Functions.Publishing;

namespace Serverless.Functions.Relay;

/// <summary>Waiting events, oldest first, each with its receipt (the same shape as a doorbell message).</summary>
public sealed record BacklogResponse(IReadOnlyList<RelayMessage> Events);
