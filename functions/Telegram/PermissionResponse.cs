using System.Text.Json.Serialization;

namespace Serverless.Functions.Telegram;

public sealed record PermissionResponse([property: JsonPropertyName("chats")] int Chats);
