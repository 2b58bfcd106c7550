using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Serverless.Functions.Sources;

/// <summary>Tolerant reads of provider payloads: a missing or mistyped field is null, never an exception.</summary>
public static class Json
{
    private static readonly JsonDocumentOptions Strict = new() { AllowDuplicateProperties = false, MaxDepth = 64 };

    /// <summary>The parsed body, or null when it is not valid JSON (see <see cref="ParseStrict"/>).</summary>
    public static JsonNode? Parse(ReadOnlyMemory<byte> body)
    {
        try
        {
            return ParseStrict(body.Span);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>
    /// Parses JSON from the network, refusing up front what would otherwise fail later, deep inside a
    /// handler, as a 500: invalid UTF-8, duplicate keys, nesting deeper than 64, and escaped strings that
    /// are not valid UTF-16 (a lone surrogate such as <c>"\ud800"</c>, which only throws when read).
    /// </summary>
    /// <exception cref="JsonException">The body is not valid JSON by those rules.</exception>
    public static JsonNode? ParseStrict(ReadOnlySpan<byte> body)
    {
        if (!System.Text.Unicode.Utf8.IsValid(body))
        {
            throw new JsonException("The body is not valid UTF-8.");
        }

        RefuseInvalidEscapes(body);
        try
        {
            // Duplicate keys and depth are checked by the parse itself, at every level. The tree stays
            // backed by the one parsed document: cloning it would copy every value into a document of its own.
            return JsonNode.Parse(body, documentOptions: Strict);
        }
        catch (InvalidOperationException ex)
        {
            throw new JsonException("The body is not valid JSON: " + ex.Message, ex);
        }
    }

    // Only escaped strings can hide a lone surrogate, and few strings are escaped, so this pass allocates
    // nothing for most bodies.
    private static void RefuseInvalidEscapes(ReadOnlySpan<byte> body)
    {
        var reader = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = Strict.MaxDepth });
        while (reader.Read())
        {
            if (reader.TokenType is JsonTokenType.String or JsonTokenType.PropertyName && reader.ValueIsEscaped)
            {
                try
                {
                    reader.GetString();
                }
                catch (InvalidOperationException ex)
                {
                    throw new JsonException("The body has an escaped string that is not valid UTF-16.", ex);
                }
            }
        }
    }

    /// <summary>The node at a dotted path (<c>a.b.0.c</c>), or null.</summary>
    public static JsonNode? At(JsonNode? node, string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        // Walks the path's parts as spans: sources read several fields of every webhook.
        foreach (var range in path.AsSpan().Split('.'))
        {
            var part = path.AsSpan()[range];
            node = node switch
            {
                JsonObject obj => obj.TryGetPropertyValue(part.Length == path.Length ? path : part.ToString(), out var child) ? child : null,
                JsonArray array when int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var i) && i < array.Count => array[i],
                _ => null,
            };
            if (node is null)
            {
                return null;
            }
        }

        return node;
    }

    /// <summary>A string, number or boolean at the path, as text; null otherwise.</summary>
    public static string? Text(JsonNode? node, string path)
    {
        var value = At(node, path) as JsonValue;
        return value?.GetValueKind() switch
        {
            JsonValueKind.String => value.GetValue<string>(),
            JsonValueKind.Number => value.ToJsonString(),
            JsonValueKind.True => "true",
            JsonValueKind.False => "false",
            _ => null,
        };
    }

    public static JsonArray? Array(JsonNode? node, string path) => At(node, path) as JsonArray;

    /// <summary>A whole number at the path; null for anything else (a string, a fraction, a missing field).</summary>
    public static long? WholeNumber(JsonNode? node, string path) =>
        At(node, path) is JsonValue value && value.GetValueKind() == JsonValueKind.Number && value.TryGetValue<long>(out var number) ? number : null;

    /// <summary>True only for a JSON <c>true</c> at the path.</summary>
    public static bool IsTrue(JsonNode? node, string path) => At(node, path) is JsonValue value && value.GetValueKind() == JsonValueKind.True;
}
