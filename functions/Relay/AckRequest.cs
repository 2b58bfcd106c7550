namespace Serverless.Functions.Relay;

/// <summary><c>POST /api/relay/ack</c>: receipts of events that reached Claude Code.</summary>
public sealed record AckRequest(string? Channel, IReadOnlyList<string>? Receipts);
