using System.Text.Json.Nodes;
using Serverless.Functions.Events;

namespace Serverless.Functions.Sources.Datadog;

/// <summary>
/// Datadog's Webhooks integration. Datadog cannot sign, so the token goes in a custom header
/// (<c>Authorization: Bearer</c> or <c>X-Webhook-Token</c>) or <c>?code=</c>. Reads the default payload
/// (<c>id</c>, <c>title</c>, <c>body</c>, <c>event_type</c>, <c>date</c>, <c>last_updated</c>, <c>org</c>)
/// and the common additions (<c>alert_transition</c>, <c>alert_type</c>, <c>priority</c>, <c>link</c>, <c>hostname</c>, <c>tags</c>).
/// </summary>
public sealed class DatadogSource : IWebhookSource
{
    public const string SourceName = "datadog";
    private const string TokenHeader = "X-Webhook-Token";

    public string Name => SourceName;

    public CredentialPlacement Credential { get; } = CredentialPlacement.Token("Add a custom header to the Datadog webhook (Authorization: Bearer TOKEN or X-Webhook-Token: TOKEN), or add ?code=TOKEN to its URL.", TokenHeader);

    public bool Verify(WebhookDelivery delivery, string secret, DateTimeOffset now) => SharedToken.Matches(delivery, secret, TokenHeader);

    public SourceOutcome Normalize(WebhookDelivery delivery)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        var payload = Json.Parse(delivery.Body);
        if (payload is not JsonObject)
        {
            return new SourceOutcome.Invalid("The body is not a JSON object.");
        }

        var transition = Json.Text(payload, "alert_transition");
        var alertType = Json.Text(payload, "alert_type");
        var severity = transition switch
        {
            "Recovered" => Severity.Info,
            "Warn" => Severity.Warning,
            "Triggered" or "Re-Triggered" => alertType == "warning" ? Severity.Warning : Severity.Error,
            _ => Severity.Normalize(alertType) ?? Severity.Normalize(Json.Text(payload, "priority")) ?? Severity.Info,
        };
        var eventType = Json.Text(payload, "event_type") ?? "event";
        var url = Json.Text(payload, "link") ?? Json.Text(payload, "url");
        var host = Json.Text(payload, "hostname");
        var summary = new Summary($"Datadog {eventType}{(transition is null ? "" : $" {transition.ToUpperInvariant()}")}{(host is null or "" ? "" : $" on {host}")}")
            .Field("title", Json.Text(payload, "title"))
            .Field("message", Json.Text(payload, "body"))
            .Field("tags", Json.Text(payload, "tags"))
            .Link(url);
        var id = Json.Text(payload, "id");
        return new SourceOutcome.Accepted(new EventDraft
        {
            EventType = eventType,
            Summary = summary.ToString(),
            Trust = TrustLevel.ThirdParty,
            Severity = severity,
            Url = url,
            Service = host is null or "" ? null : host,
            DeliveryId = string.IsNullOrEmpty(id) ? null : $"{id}:{transition}",
            ContentKey = string.IsNullOrEmpty(id) ? Signatures.ContentKey(delivery.Body.Span) : null,
            Data = payload,
            DataContentType = "application/json",
        });
    }
}
