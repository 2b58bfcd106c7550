using System.Text.Json.Nodes;

namespace Serverless.Functions.Sources.Grafana;

/// <summary>Grafana alerting's webhook contact point, authenticated by a bearer or basic token.</summary>
public sealed class GrafanaSource : IWebhookSource
{
    public const string SourceName = "grafana";

    public string Name => SourceName;

    public CredentialPlacement Credential { get; } = CredentialPlacement.Token("Set the contact point's Authorization header credentials (Bearer) or basic auth password to the source's token, or add ?code=TOKEN to its URL.");

    public bool Verify(WebhookDelivery delivery, string secret, DateTimeOffset now) => SharedToken.Matches(delivery, secret);

    public SourceOutcome Normalize(WebhookDelivery delivery)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        var payload = Json.Parse(delivery.Body);
        if (payload is not JsonObject || Json.Array(payload, "alerts") is null)
        {
            return new SourceOutcome.Invalid("The body is not a Grafana alerting webhook (alerts is missing).");
        }

        var draft = Alertmanager.AlertGroup.Describe("Grafana", payload);
        var dashboard = Json.Text(payload, "alerts.0.dashboardURL") ?? Json.Text(payload, "alerts.0.panelURL");
        return new SourceOutcome.Accepted(draft with
        {
            Url = dashboard ?? draft.Url,
            ContentKey = Signatures.ContentKey(delivery.Body.Span),
            Data = payload,
            DataContentType = "application/json",
        });
    }
}
