namespace Serverless.Contracts;

/// <summary><c>POST /api/relay/ack</c> (events that reached Claude Code) and <c>/api/relay/release</c> (events taken but not shown): receipts of one channel.</summary>
public sealed record AckRequest(string? Channel, IReadOnlyList<string>? Receipts) : IChannelScoped;
