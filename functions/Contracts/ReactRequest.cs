using System.Text.Json.Serialization;

namespace Serverless.Contracts;

/// <summary><c>POST /api/relay/{transport}/react</c>.</summary>
public sealed record ReactRequest(
    string? Channel,
    string? ChatId,
    [property: JsonConverter(typeof(NumberOrStringConverter))] string? MessageId,
    string? Emoji) : IChannelScoped;
