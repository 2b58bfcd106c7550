using System.Text.Json.Serialization;
using Serverless.Functions.Relay;

namespace Serverless.Functions.Telegram;

/// <summary><c>POST /api/relay/telegram/reply</c>.</summary>
public sealed record ReplyRequest(
    string? Channel,
    [property: JsonPropertyName("chat_id")] string? ChatId,
    string? Text,
    [property: JsonPropertyName("reply_to")] long? ReplyTo,
    string? Format) : IChannelScoped;
