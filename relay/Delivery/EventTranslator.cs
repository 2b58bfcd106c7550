using Serverless.Contracts;
using Serverless.Relay.Channel;

namespace Serverless.Relay.Delivery;

/// <summary>Turns an envelope into a channel notification: the summary as content, envelope attributes as meta.</summary>
public static class EventTranslator
{
    // CloudEvents attribute -> channel meta key, as the one list of attributes declares them. Only attributes
    // the function app derives itself; free text written by third parties stays in the content.
    private static readonly (string Attribute, string Key)[] MetaAttributes =
        [.. EventField.All.Where(a => a.Extension is not null).Select(a => (a.Extension!, a.Key))];

    public const int MaxContentLength = ChannelContent.MaxLength;

    public static ChannelNotification Translate(RelayEvent relayEvent)
    {
        ArgumentNullException.ThrowIfNull(relayEvent);
        var meta = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["event_id"] = ChannelMeta.SanitizeValue(relayEvent.Id),
        };
        foreach (var (attribute, key) in MetaAttributes)
        {
            if (relayEvent.Attribute(attribute) is { Length: > 0 } value)
            {
                meta[key] = ChannelMeta.SanitizeValue(value);
            }
        }

        meta.TryAdd("kind", "unknown");
        var content = relayEvent.Attribute("summary") ?? $"An event of type {relayEvent.Attribute("type") ?? "unknown"} arrived.";
        return new ChannelNotification(ChannelContent.Sanitize(content), meta)
        {
            TraceParent = relayEvent.Attribute("traceparent"),
            AcceptedAt = DateTimeOffset.TryParse(relayEvent.Attribute("time"), System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.RoundtripKind, out var time) ? time : null,
        };
    }
}
