using System.Text.Json.Serialization;

namespace Serverless.Functions.Telegram;

public sealed record PairResponse(
    [property: JsonPropertyName("user_id")] long UserId,
    [property: JsonPropertyName("chat_id")] long ChatId,
    string Channel);
