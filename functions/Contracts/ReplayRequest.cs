namespace Serverless.Contracts;

/// <summary><c>POST /api/relay/replay</c>: send event <see cref="Id"/> of the channel again, as a new event.</summary>
public sealed record ReplayRequest(string? Channel, string? Id) : IChannelScoped;
