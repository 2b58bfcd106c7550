using System.Text.Json;
using System.Text.Json.Nodes;

namespace Serverless.Relay.Connection;

/// <summary>
/// Reads values from JSON the network sent, where any field may be missing or of another type: a wrong
/// type reads as absent instead of throwing (a cast such as <c>(string?)node</c> throws on a number).
/// </summary>
public static class JsonRead
{
    /// <summary>
    /// Document options for JSON from the network: a duplicate key is a parse error here, instead of an
    /// exception from deep inside a later read of the object.
    /// </summary>
    public static readonly JsonDocumentOptions Strict = new() { AllowDuplicateProperties = false, MaxDepth = 64 };

    public static string? Text(JsonNode? node) =>
        node is JsonValue value && value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : null;

    public static long? Number(JsonNode? node) =>
        node is JsonValue value && value.GetValueKind() == JsonValueKind.Number && value.TryGetValue<long>(out var number) ? number : null;

    public static bool? Boolean(JsonNode? node) =>
        node is JsonValue value && value.GetValueKind() is JsonValueKind.True or JsonValueKind.False ? value.GetValue<bool>() : null;
}
