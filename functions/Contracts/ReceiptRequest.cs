using System.Text.Json.Serialization;

namespace Serverless.Contracts;

/// <summary><c>POST /api/relay/{transport}/receipt</c>: a chat message was shown in the session.</summary>
public sealed record ReceiptRequest(
    string? Channel,
    string? ChatId,
    [property: JsonConverter(typeof(NumberOrStringConverter))] string? MessageId) : IChannelScoped;
