using System.Text.Json.Serialization;
using Serverless.Functions.Relay;

namespace Serverless.Functions.Telegram;

/// <summary><c>POST /api/relay/telegram/edit</c>.</summary>
public sealed record EditRequest(
    string? Channel,
    [property: JsonPropertyName("chat_id")] string? ChatId,
    [property: JsonPropertyName("message_id")] long MessageId,
    string? Text) : IChannelScoped;
