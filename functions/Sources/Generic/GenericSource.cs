using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Serverless.Functions.Events;
using Serverless.Functions.Security;

namespace Serverless.Functions.Sources.Generic;

/// <summary>Any JSON or text, authenticated by the source token (<c>Authorization: Bearer</c> or <c>?code=</c>).</summary>
public sealed partial class GenericSource : IWebhookSource
{
    public const string SourceName = "generic";
    private const int MaxSummaryChars = 900;
    private static readonly string[] SeverityFields = ["severity", "level", "priority"];
    private static readonly string[] TitleFields = ["title", "summary", "message", "text", "subject", "description", "event", "status"];

    public string Name => SourceName;

    public CredentialPlacement Credential { get; } = CredentialPlacement.Token("Send the source's token in an Authorization: Bearer TOKEN header or as ?code=TOKEN in the URL.");

    public bool Verify(WebhookDelivery delivery, string secret, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        return SecretComparer.Matches(BearerToken.From(delivery.Headers, delivery.Query), secret);
    }

    public SourceOutcome Normalize(WebhookDelivery delivery)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        var deliveryId = delivery.Headers["Idempotency-Key"].ToString();
        return Normalize(delivery, "Webhook", _ => delivery.Headers["X-Event-Type"].ToString(), string.IsNullOrEmpty(deliveryId) ? null : deliveryId);
    }

    /// <summary>
    /// The generic reading of a body, shared with senders that only differ in where the event type
    /// and the delivery id come from (Standard Webhooks).
    /// </summary>
    /// <param name="label">How the summary names the delivery (<c>Webhook</c>, <c>Standard webhook</c>).</param>
    /// <param name="eventTypeOf">The sender's event type, given the parsed JSON body (null for text); unsafe values become <c>webhook</c>.</param>
    internal static SourceOutcome Normalize(WebhookDelivery delivery, string label, Func<JsonNode?, string?> eventTypeOf, string? deliveryId)
    {
        if (delivery.Body.IsEmpty)
        {
            return new SourceOutcome.Invalid("The body is empty: send the event as a JSON object, or as text with Content-Type: text/plain.");
        }

        var mediaType = MediaType(delivery.ContentType);
        var looksJson = mediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || mediaType.EndsWith("+json", StringComparison.OrdinalIgnoreCase);
        JsonNode? json = null;
        if (looksJson || mediaType.IsEmpty)
        {
            try
            {
                json = Json.ParseStrict(delivery.Body.Span);
            }
            catch (JsonException) when (!looksJson)
            {
                json = null;
            }
            catch (JsonException ex)
            {
                return new SourceOutcome.Invalid($"The body is not valid JSON: {ex.Message} Send a JSON object, or text with Content-Type: text/plain.");
            }
        }
        else if (StartsAnObject(delivery.Body.Span))
        {
            // `curl -d '{...}'` declares application/x-www-form-urlencoded and many tools declare text/plain:
            // a body under another type that parses as a JSON object is read as JSON, so its title and severity
            // count (a playbook rule on severity=critical matches) instead of the JSON becoming the summary text.
            try
            {
                json = Json.ParseStrict(delivery.Body.Span) as JsonObject;
            }
            catch (JsonException)
            {
                json = null;
            }
        }

        string text;
        if (json is not null)
        {
            text = DescribeJson(json);
        }
        else
        {
            string body;
            try
            {
                body = new UTF8Encoding(false, true).GetString(delivery.Body.Span);
            }
            catch (DecoderFallbackException)
            {
                return new SourceOutcome.Invalid("The body is neither JSON nor UTF-8 text.");
            }

            text = body.Trim();
        }

        var eventType = eventTypeOf(json) is { } candidate && IsSafeEventType(candidate) ? candidate : "webhook";
        var summary = $"{label} ({eventType}) on channel {delivery.Channel}:\n{Truncate(text, MaxSummaryChars)}";
        string? severity = null;
        if (json is JsonObject o)
        {
            foreach (var field in SeverityFields)
            {
                if ((severity = Severity.Normalize(Json.Text(o, field))) is not null)
                {
                    break;
                }
            }
        }

        return new SourceOutcome.Accepted(new EventDraft
        {
            EventType = eventType,
            Summary = summary,
            Trust = TrustLevel.ThirdParty,
            Severity = severity ?? Severity.Info,
            DeliveryId = deliveryId,
            Data = json ?? JsonValue.Create(text),
            DataContentType = json is not null ? "application/json" : "text/plain",
        });
    }

    private static string DescribeJson(JsonNode json)
    {
        if (json is not JsonObject obj)
        {
            return json is JsonValue value && value.GetValueKind() == JsonValueKind.String
                ? (string)value!
                : Truncate(json.ToJsonString(), MaxSummaryChars);
        }

        var lines = new List<string>(9);
        // CloudEvents-like bodies keep the interesting part in "data".
        if ((Title(obj) ?? (obj["data"] is JsonObject data ? Title(data) : null)) is { } title)
        {
            lines.Add(title);
        }

        var taken = 0;
        foreach (var (key, value) in obj)
        {
            if (taken++ == 8)
            {
                break;
            }

            if (value is JsonValue scalar && (lines.Count == 0 || Array.IndexOf(TitleFields, key) < 0))
            {
                lines.Add($"{key}: {Truncate(scalar.ToString(), 120)}");
            }
        }

        if (lines.Count == 0)
        {
            lines.Add(Truncate(obj.ToJsonString(), MaxSummaryChars));
        }

        return string.Join('\n', lines);
    }

    /// <summary>The first title-like field that holds a string.</summary>
    private static string? Title(JsonObject obj)
    {
        foreach (var field in TitleFields)
        {
            if (obj[field] is JsonValue value && value.GetValueKind() == JsonValueKind.String)
            {
                return (string)value!;
            }
        }

        return null;
    }

    /// <summary>Whether the first character after any whitespace is <c>{</c>: only such a body is tried as JSON under a non-JSON type.</summary>
    private static bool StartsAnObject(ReadOnlySpan<byte> body)
    {
        var start = body.IndexOfAnyExcept(" \t\r\n"u8);
        return start >= 0 && body[start] == (byte)'{';
    }

    /// <summary>The media type of a Content-Type header without its parameters; empty when there is none.</summary>
    private static ReadOnlySpan<char> MediaType(string? contentType)
    {
        var value = contentType.AsSpan();
        var parameters = value.IndexOf(';');
        return (parameters < 0 ? value : value[..parameters]).Trim();
    }

    private static string Truncate(string value, int max) =>
        value.Length <= max ? value : string.Concat(value.AsSpan(0, max - 1), "…");

    /// <summary>Event types go into meta, so only identifier-like values are taken from a sender.</summary>
    private static bool IsSafeEventType(string? value) => value is not null && EventTypePattern().IsMatch(value);

    [GeneratedRegex(@"\A[A-Za-z0-9_.:-]{1,64}\z")]
    private static partial Regex EventTypePattern();
}
