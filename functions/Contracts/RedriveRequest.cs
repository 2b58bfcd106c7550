namespace Serverless.Contracts;

/// <summary><c>POST /api/relay/redrive</c>: send the channel's dead-lettered events round again (at most <see cref="Max"/>, default 500).</summary>
public sealed record RedriveRequest(string? Channel, int? Max = null) : IChannelScoped;
