using System.Text.Json.Nodes;
using Serverless.Functions.Events;

namespace Serverless.Functions.Sources.AzureMonitor;

/// <summary>
/// Azure Monitor action groups with the common alert schema (<c>azureMonitorCommonAlertSchema</c>).
/// Action group webhooks cannot sign, so the token is part of the URL (<c>?code=</c>).
/// </summary>
public sealed class AzureMonitorSource : IWebhookSource
{
    public const string SourceName = "azuremonitor";

    public string Name => SourceName;

    public CredentialPlacement Credential { get; } = CredentialPlacement.Token("Add ?code=TOKEN with the source's token to the action group's webhook URL.");

    public bool Verify(WebhookDelivery delivery, string secret, DateTimeOffset now) => SharedToken.Matches(delivery, secret);

    public SourceOutcome Normalize(WebhookDelivery delivery)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        var payload = Json.Parse(delivery.Body);
        if (payload is not JsonObject || Json.Text(payload, "schemaId") != "azureMonitorCommonAlertSchema")
        {
            return new SourceOutcome.Invalid("The body is not an Azure Monitor common alert schema payload (enable the common alert schema on the action group).");
        }

        var condition = Json.Text(payload, "data.essentials.monitorCondition");
        var sev = Json.Text(payload, "data.essentials.severity");
        var severity = condition == "Resolved" ? Severity.Info : sev switch
        {
            "Sev0" => Severity.Critical,
            "Sev1" => Severity.Error,
            "Sev2" => Severity.Warning,
            _ => Severity.Info,
        };
        var targets = Json.Array(payload, "data.essentials.configurationItems")?.Select(t => t?.ToString()).Where(t => t is not null).Take(3);
        var service = Json.Text(payload, "data.essentials.configurationItems.0");
        var summary = new Summary($"Azure Monitor alert {condition?.ToUpperInvariant()}: {Json.Text(payload, "data.essentials.alertRule")} ({sev})")
            .Field("signal", $"{Json.Text(payload, "data.essentials.signalType")} from {Json.Text(payload, "data.essentials.monitoringService")}")
            .Field("resources", targets is null ? null : string.Join(", ", targets))
            .Field("description", Json.Text(payload, "data.essentials.description"))
            .Field("fired", Json.Text(payload, "data.essentials.firedDateTime"));
        var alertId = Json.Text(payload, "data.essentials.alertId");
        return new SourceOutcome.Accepted(new EventDraft
        {
            EventType = $"alert.{condition?.ToLowerInvariant() ?? "unknown"}",
            Summary = summary.ToString(),
            Trust = TrustLevel.ThirdParty,
            Severity = severity,
            Service = service,
            Subject = Json.Text(payload, "data.essentials.alertRule"),
            DeliveryId = alertId is null ? null : $"{alertId}:{condition}",
            ContentKey = alertId is null ? Signatures.ContentKey(delivery.Body.Span) : null,
            Data = payload,
            DataContentType = "application/json",
        });
    }
}
