using System.Text.Json.Serialization;

namespace Serverless.Functions.Telegram;

/// <summary>The chat written to and the ids of the messages sent or changed.</summary>
public sealed record ReplyResponse(
    [property: JsonPropertyName("chat_id")] long ChatId,
    [property: JsonPropertyName("message_ids")] IReadOnlyList<long> MessageIds)
{
    /// <summary>True when Telegram refused the MarkdownV2 and the text went as plain text.</summary>
    [JsonPropertyName("formatting_dropped")]
    public bool? FormattingDropped { get; init; }
}
