namespace Serverless.Contracts;

/// <summary><c>POST /api/relay/pair</c>: the owner approves a pairing code for a channel.</summary>
public sealed record PairRequest(string? Channel, string? Code) : IChannelScoped;
