namespace Serverless.Contracts;

/// <summary><c>POST /api/relay/telegram/receipt</c>: a chat message was shown in the session.</summary>
public sealed record ReceiptRequest(
    string? Channel,
    string? ChatId,
    long MessageId) : IChannelScoped;
