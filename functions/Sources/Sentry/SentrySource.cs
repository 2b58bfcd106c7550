using System.Text.Json.Nodes;
using Serverless.Functions.Events;

namespace Serverless.Functions.Sources.Sentry;

/// <summary>
/// Sentry integration webhooks: <c>Sentry-Hook-Signature</c> (hex HMAC-SHA256 of the body with the
/// client secret) and <c>Sentry-Hook-Resource</c>.
/// </summary>
public sealed class SentrySource : IWebhookSource
{
    public const string SourceName = "sentry";
    private const string SignatureHeader = "Sentry-Hook-Signature";

    public string Name => SourceName;

    public CredentialPlacement Credential { get; } = CredentialPlacement.ProviderHeader(
        SignatureHeader,
        "Sentry signs integration webhooks in Sentry-Hook-Signature: send it from an internal integration's webhook.",
        "the Client Secret of the Sentry integration");

    public bool Verify(WebhookDelivery delivery, string secret, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        return Signatures.HexMatches(delivery.Headers[SignatureHeader].ToString(), Signatures.HmacSha256(secret, delivery.Body.Span));
    }

    public SourceOutcome Normalize(WebhookDelivery delivery)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        var payload = Json.Parse(delivery.Body);
        if (payload is not JsonObject)
        {
            return new SourceOutcome.Invalid("The body is not a JSON object.");
        }

        // Sentry-Hook-Resource is outside the signature: a resource the signed body contradicts is a forged header.
        var resource = delivery.Headers["Sentry-Hook-Resource"].ToString();
        var proven = ProvenResource(payload);
        if (proven is not null ? proven != resource : Forwarded.Contains(resource))
        {
            return new SourceOutcome.Invalid($"Sentry-Hook-Resource says '{resource}' but the signed body is {(proven is null ? "not a " + resource : "a " + proven)} payload.");
        }

        var action = Json.Text(payload, "action");
        EventDraft? draft = resource switch
        {
            "issue" when action is "created" or "unresolved" => Issue(payload, action),
            "error" => Error(payload),
            "event_alert" => EventAlert(payload),
            "metric_alert" => MetricAlert(payload, action),
            "installation" => null,
            _ => null,
        };
        if (draft is null)
        {
            return new SourceOutcome.Ignored($"{(resource.Length == 0 ? "unknown resource" : resource)} ({action}) is not forwarded");
        }

        var requestId = delivery.Headers["Request-ID"].ToString();
        return new SourceOutcome.Accepted(draft with
        {
            Trust = TrustLevel.ThirdParty,
            DeliveryId = string.IsNullOrEmpty(requestId) ? null : requestId,
            ContentKey = string.IsNullOrEmpty(requestId) ? Signatures.ContentKey(delivery.Body.Span) : null,
            SignedBodyKey = Signatures.ContentKey(delivery.Body.Span),
            Data = payload,
            DataContentType = "application/json",
        });
    }

    private static readonly HashSet<string> Forwarded = ["issue", "error", "event_alert", "metric_alert"];

    /// <summary>The forwarded resource a body proves by the object it carries under <c>data</c> (null when none).</summary>
    private static string? ProvenResource(JsonNode payload) =>
        Json.At(payload, "data.metric_alert") is not null ? "metric_alert"
        : Json.At(payload, "data.issue") is not null ? "issue"
        : Json.At(payload, "data.error") is not null ? "error"
        : Json.At(payload, "data.event") is not null ? "event_alert"
        : null;

    private static EventDraft Issue(JsonNode payload, string action)
    {
        var project = Json.Text(payload, "data.issue.project.slug");
        var url = Json.Text(payload, "data.issue.web_url") ?? Json.Text(payload, "data.issue.permalink");
        var level = Json.Text(payload, "data.issue.level");
        var summary = new Summary($"Sentry issue {Json.Text(payload, "data.issue.shortId")} {action} in {project} ({level})")
            .Field("title", Json.Text(payload, "data.issue.title"))
            .Field("culprit", Json.Text(payload, "data.issue.culprit"))
            .Link(url);
        return Draft($"issue.{action}", summary, Severity.Normalize(level) ?? Severity.Error, url, project);
    }

    private static EventDraft Error(JsonNode payload)
    {
        var url = Json.Text(payload, "data.error.web_url") ?? Json.Text(payload, "data.error.url");
        var level = Json.Text(payload, "data.error.level");
        var project = Json.Text(payload, "data.error.project") ?? Json.Text(payload, "data.error.project_slug");
        var summary = new Summary($"Sentry error in {project} ({level})")
            .Field("title", Json.Text(payload, "data.error.title"))
            .Field("culprit", Json.Text(payload, "data.error.culprit"))
            .Field("release", Json.Text(payload, "data.error.release"))
            .Link(url);
        return Draft("error.created", summary, Severity.Normalize(level) ?? Severity.Error, url, project);
    }

    private static EventDraft EventAlert(JsonNode payload)
    {
        var url = Json.Text(payload, "data.event.web_url");
        var level = Json.Text(payload, "data.event.level");
        var summary = new Summary($"Sentry alert rule '{Json.Text(payload, "data.triggered_rule")}' fired ({level})")
            .Field("title", Json.Text(payload, "data.event.title"))
            .Field("culprit", Json.Text(payload, "data.event.culprit"))
            .Link(url);
        return Draft("event_alert.triggered", summary, Severity.Normalize(level) ?? Severity.Error, url, Json.Text(payload, "data.event.project"));
    }

    private static EventDraft MetricAlert(JsonNode payload, string? action)
    {
        var url = Json.Text(payload, "data.web_url");
        var severity = action switch
        {
            "critical" => Severity.Critical,
            "warning" => Severity.Warning,
            _ => Severity.Info,
        };
        var summary = new Summary($"Sentry metric alert {action?.ToUpperInvariant()}: {Json.Text(payload, "data.metric_alert.alert_rule.name")}")
            .Field("status", Json.Text(payload, "data.description_title"))
            .Field("detail", Json.Text(payload, "data.description_text"))
            .Link(url);
        return Draft($"metric_alert.{action}", summary, severity, url, Json.Text(payload, "data.metric_alert.projects.0"));
    }

    private static EventDraft Draft(string eventType, Summary summary, string severity, string? url, string? project) => new()
    {
        EventType = eventType,
        Summary = summary.ToString(),
        Trust = TrustLevel.ThirdParty,
        Severity = severity,
        Url = url,
        Service = project,
    };
}
