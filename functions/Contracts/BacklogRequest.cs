namespace Serverless.Contracts;

/// <summary><c>POST /api/relay/backlog</c>: receive the oldest waiting events of a channel.</summary>
public sealed record BacklogRequest(string? Channel, int? Max, int? VisibilitySeconds) : IChannelScoped;
