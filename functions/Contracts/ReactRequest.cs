namespace Serverless.Contracts;

/// <summary><c>POST /api/relay/telegram/react</c>.</summary>
public sealed record ReactRequest(
    string? Channel,
    string? ChatId,
    long MessageId,
    string? Emoji) : IChannelScoped;
