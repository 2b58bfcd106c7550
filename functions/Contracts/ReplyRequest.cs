namespace Serverless.Contracts;

/// <summary><c>POST /api/relay/telegram/reply</c>.</summary>
public sealed record ReplyRequest(
    string? Channel,
    string? ChatId,
    string? Text,
    long? ReplyTo,
    string? Format) : IChannelScoped;
