using System.Text.Json.Nodes;
using Serverless.Functions.Events;

namespace Serverless.Functions.Sources.PagerDuty;

/// <summary>
/// PagerDuty v3 webhooks: <c>X-PagerDuty-Signature</c> holds one or more <c>v1=</c> hex HMAC-SHA256
/// signatures of the body (several during a secret rotation); any match passes.
/// </summary>
public sealed class PagerDutySource : IWebhookSource
{
    public const string SourceName = "pagerduty";
    private const string SignatureHeader = "X-PagerDuty-Signature";

    public string Name => SourceName;

    public CredentialPlacement Credential { get; } = CredentialPlacement.ProviderHeader(
        SignatureHeader,
        "PagerDuty signs v3 webhook subscriptions in X-PagerDuty-Signature: send it from a v3 webhook subscription.",
        "the signing secret PagerDuty showed when the webhook subscription was created");

    public bool Verify(WebhookDelivery delivery, string secret, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        var expected = Signatures.HmacSha256(secret, delivery.Body.Span);
        var match = false;
        foreach (var signature in delivery.Headers[SignatureHeader].ToString().Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            match |= signature.StartsWith("v1=", StringComparison.Ordinal) && Signatures.HexMatches(signature[3..], expected);
        }

        return match;
    }

    public SourceOutcome Normalize(WebhookDelivery delivery)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        var payload = Json.Parse(delivery.Body);
        var eventType = Json.Text(payload, "event.event_type");
        if (payload is not JsonObject || eventType is null)
        {
            return new SourceOutcome.Invalid("The body is not a PagerDuty v3 webhook (event.event_type is missing).");
        }

        if (eventType == "pagey.ping")
        {
            return new SourceOutcome.Ignored("ping");
        }

        if (eventType is not ("incident.triggered" or "incident.acknowledged" or "incident.resolved" or "incident.escalated" or "incident.reopened"))
        {
            return new SourceOutcome.Ignored($"{eventType} is not forwarded");
        }

        var verb = eventType["incident.".Length..].ToUpperInvariant();
        var service = Json.Text(payload, "event.data.service.summary");
        var urgency = Json.Text(payload, "event.data.urgency");
        var url = Json.Text(payload, "event.data.html_url");
        var severity = eventType switch
        {
            "incident.resolved" => Severity.Info,
            "incident.acknowledged" => Severity.Warning,
            _ => urgency == "high" ? Severity.Critical : Severity.Error,
        };
        var summary = new Summary($"PagerDuty incident #{Json.Text(payload, "event.data.number")} {verb} on {service}")
            .Field("title", Json.Text(payload, "event.data.title"))
            .Field("urgency", urgency)
            .Field("priority", Json.Text(payload, "event.data.priority.summary"))
            .Field("by", Json.Text(payload, "event.agent.summary"))
            .Link(url);
        return new SourceOutcome.Accepted(new EventDraft
        {
            EventType = eventType,
            Summary = summary.ToString(),
            Trust = TrustLevel.ThirdParty,
            Severity = severity,
            Service = service,
            Url = url,
            Subject = Json.Text(payload, "event.data.id"),
            DeliveryId = Json.Text(payload, "event.id"),
            Data = payload,
            DataContentType = "application/json",
        });
    }
}
