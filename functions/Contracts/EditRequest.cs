namespace Serverless.Contracts;

/// <summary><c>POST /api/relay/telegram/edit</c>.</summary>
public sealed record EditRequest(
    string? Channel,
    string? ChatId,
    long MessageId,
    string? Text) : IChannelScoped;
