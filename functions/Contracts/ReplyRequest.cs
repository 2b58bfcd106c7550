using System.Text.Json.Serialization;

namespace Serverless.Contracts;

/// <summary><c>POST /api/relay/{transport}/reply</c>; no chat id means the channel's notification chat.</summary>
public sealed record ReplyRequest(
    string? Channel,
    string? ChatId,
    string? Text,
    [property: JsonConverter(typeof(NumberOrStringConverter))] string? ReplyTo,
    string? Format) : IChannelScoped;
