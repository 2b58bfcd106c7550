using System.Text.Json.Nodes;

namespace Serverless.Functions.Sources.Alertmanager;

/// <summary>
/// The grouped-alerts payload that Prometheus Alertmanager's <c>webhook_config</c> (version 4) sends,
/// and that Grafana's webhook contact point extends: a status, common labels, and alerts with labels
/// and annotations.
/// </summary>
public static class AlertGroup
{
    private static readonly string[] SeverityLabels = ["severity", "priority", "level"];
    private static readonly string[] ServiceLabels = ["service", "app", "job", "namespace"];

    public static EventDraft Describe(string provider, JsonNode payload)
    {
        var status = Json.Text(payload, "status") ?? "unknown";
        var alerts = Json.Array(payload, "alerts") ?? [];
        var firing = alerts.Count(a => Json.Text(a, "status") == "firing");
        var alertName = Json.Text(payload, "commonLabels.alertname") ?? Json.Text(payload, "groupLabels.alertname") ?? Json.Text(alerts.FirstOrDefault(), "labels.alertname");
        var severityLabel = SeverityLabels.Select(l => Json.Text(payload, $"commonLabels.{l}") ?? Json.Text(alerts.FirstOrDefault(), $"labels.{l}")).FirstOrDefault(v => v is not null);
        var service = ServiceLabels.Select(l => Json.Text(payload, $"commonLabels.{l}")).FirstOrDefault(v => v is not null);
        var severity = status == "resolved" ? Sources.Severity.Info : Sources.Severity.Normalize(severityLabel) ?? Sources.Severity.Error;
        var url = Json.Text(payload, "externalURL");

        var headline = status == "resolved"
            ? $"{provider}: RESOLVED {alertName} ({alerts.Count} alert(s))"
            : $"{provider}: FIRING {alertName} ({firing} of {alerts.Count} alert(s) firing)";
        var summary = new Summary(headline)
            .Field("labels", Labels(Json.At(payload, "commonLabels") as JsonObject, "alertname"))
            .Field("summary", Json.Text(payload, "commonAnnotations.summary") ?? Json.Text(payload, "commonAnnotations.description"));
        foreach (var alert in alerts.Take(5))
        {
            summary.Line($"- [{Json.Text(alert, "status")}] {Labels(Json.At(alert, "labels") as JsonObject, "alertname", "severity")}: " +
                (Json.Text(alert, "annotations.summary") ?? Json.Text(alert, "annotations.description") ?? string.Empty));
            url ??= Json.Text(alert, "generatorURL");
        }

        if (alerts.Count > 5)
        {
            summary.Footer($"... and {alerts.Count - 5} more");
        }

        summary.Link(url);
        return new EventDraft
        {
            EventType = $"alert.{status}",
            Summary = summary.ToString(),
            Trust = Events.TrustLevel.ThirdParty,
            Severity = severity,
            Service = service,
            Url = url,
            Subject = alertName,
        };
    }

    private static string? Labels(JsonObject? labels, params string[] skip)
    {
        if (labels is null)
        {
            return null;
        }

        var pairs = labels.Where(p => !skip.Contains(p.Key)).Take(6).Select(p => $"{p.Key}={p.Value}");
        var text = string.Join(", ", pairs);
        return text.Length == 0 ? null : text;
    }
}
