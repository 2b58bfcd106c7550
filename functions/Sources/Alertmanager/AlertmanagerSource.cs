using System.Text.Json.Nodes;

namespace Serverless.Functions.Sources.Alertmanager;

/// <summary>Prometheus Alertmanager <c>webhook_config</c> (payload version 4), authenticated by a bearer or basic token.</summary>
public sealed class AlertmanagerSource : IWebhookSource
{
    public const string SourceName = "alertmanager";

    public string Name => SourceName;

    public CredentialPlacement Credential { get; } = CredentialPlacement.Token("Give the webhook_config's http_config an authorization (sent as Authorization: Bearer TOKEN) or a basic_auth password with the source's token, or add ?code=TOKEN to its URL.");

    public bool Verify(WebhookDelivery delivery, string secret, DateTimeOffset now) => SharedToken.Matches(delivery, secret);

    public SourceOutcome Normalize(WebhookDelivery delivery)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        var payload = Json.Parse(delivery.Body);
        if (payload is not JsonObject || Json.Array(payload, "alerts") is null)
        {
            return new SourceOutcome.Invalid("The body is not an Alertmanager webhook (alerts is missing).");
        }

        if (Json.Text(payload, "version") is { } version && version != "4")
        {
            return new SourceOutcome.Invalid($"Alertmanager webhook version {version} is not supported (expected 4).");
        }

        // Alertmanager has no delivery id; a retry repeats the body exactly.
        return new SourceOutcome.Accepted(AlertGroup.Describe("Alertmanager", payload) with
        {
            ContentKey = Signatures.ContentKey(delivery.Body.Span),
            Data = payload,
            DataContentType = "application/json",
        });
    }
}
