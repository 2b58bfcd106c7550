using System.Text.Json.Serialization;

namespace Serverless.Contracts;

/// <summary><c>POST /api/relay/{transport}/edit</c>.</summary>
public sealed record EditRequest(
    string? Channel,
    string? ChatId,
    [property: JsonConverter(typeof(NumberOrStringConverter))] string? MessageId,
    string? Text) : IChannelScoped;
