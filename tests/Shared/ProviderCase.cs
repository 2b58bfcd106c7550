using System.Security.Cryptography;
using System.Text;

namespace Serverless.Testing;

/// <summary>One provider as a test drives it: a documented payload, and how that provider authenticates a delivery.</summary>
public sealed record ProviderCase(
    string Source,
    string Fixture,
    string ExpectedEventType,
    string ExpectedSeverity,
    string SummaryContains,
    bool SignsBody,
    Func<string, byte[], DateTimeOffset, string, ProviderRequest> Sign)
{
    public const string Marker = "UNTRUSTED-TEXT";

    public static string SecretFor(string source) =>
        source == "standard" ? "whsec_" + Convert.ToBase64String(Encoding.UTF8.GetBytes("standard-webhooks-test-secret-32b")) : $"test-secret-{source}";

    public static string WrongSecretFor(string source) =>
        source == "standard" ? "whsec_" + Convert.ToBase64String(Encoding.UTF8.GetBytes("some-other-secret-entirely-32byte")) : $"wrong-secret-{source}";

    public byte[] Body() => File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Fixtures", Fixture));

    public override string ToString() => $"{Source}/{Fixture}";

    private static string Hex(byte[] bytes) => Convert.ToHexStringLower(bytes);

    private static byte[] Hmac(string secret, byte[] body) => HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body);

    private static ProviderRequest Headers(params (string Name, string Value)[] headers) => new(headers.ToDictionary(h => h.Name, h => h.Value), string.Empty);

    public static IEnumerable<ProviderCase> All()
    {
        static ProviderCase GitHub(string fixture, string eventName, string severity, string contains) => new(
            "github", fixture, eventName, severity, contains, true,
            (secret, body, _, id) => Headers(("X-Hub-Signature-256", "sha256=" + Hex(Hmac(secret, body))), ("X-GitHub-Event", eventName), ("X-GitHub-Delivery", id)));

        yield return GitHub("github-workflow_run.json", "workflow_run", "error", "workflow 'Build and test' FAILED in octo-org/octo-repo");
        yield return GitHub("github-workflow_run-fork.json", "workflow_run", "error", "workflow 'Build and test' FAILED in acme/shop");
        yield return GitHub("github-pull_request.json", "pull_request", "info", "pull request #42 opened in octo-org/octo-repo by hubot");
        yield return GitHub("github-issue_comment.json", "issue_comment", "info", "comment by stranger on issue #7");
        yield return GitHub("github-push.json", "push", "info", "1 commit(s) to main in octo-org/octo-repo");
        yield return GitHub("github-dependabot_alert.json", "dependabot_alert", "critical", "Dependabot alert (critical severity)");
        yield return GitHub("github-code_scanning_alert.json", "code_scanning_alert", "critical", "Code scanning alert (high)");
        yield return new("gitlab", "gitlab-pipeline.json", "pipeline", "error", "GitLab pipeline #31 FAILED in group/project", false,
            (secret, _, _, id) => Headers(("X-Gitlab-Token", secret), ("X-Gitlab-Event", "Pipeline Hook"), ("X-Gitlab-Event-UUID", id)));
        yield return new("gitlab", "gitlab-merge_request.json", "merge_request", "info", "merge request !1 open in group/project", false,
            (secret, _, _, id) => Headers(("X-Gitlab-Token", secret), ("X-Gitlab-Event", "Merge Request Hook"), ("X-Gitlab-Event-UUID", id)));
        yield return new("pagerduty", "pagerduty-incident.json", "incident.triggered", "critical", "PagerDuty incident #2 TRIGGERED on checkout-api", true,
            (secret, body, _, _) => Headers(("X-PagerDuty-Signature", $"v1={new string('0', 64)},v1={Hex(Hmac(secret, body))}")));
        yield return new("sentry", "sentry-issue.json", "issue.created", "error", "Sentry issue API-3F created in api", true,
            (secret, body, _, id) => Headers(("Sentry-Hook-Signature", Hex(Hmac(secret, body))), ("Sentry-Hook-Resource", "issue"), ("Request-ID", id)));
        yield return new("sentry", "sentry-metric_alert.json", "metric_alert.critical", "critical", "Sentry metric alert CRITICAL: p95 latency", true,
            (secret, body, _, id) => Headers(("Sentry-Hook-Signature", Hex(Hmac(secret, body))), ("Sentry-Hook-Resource", "metric_alert"), ("Request-ID", id)));
        yield return new("alertmanager", "alertmanager.json", "alert.firing", "critical", "Alertmanager: FIRING HighLatency (2 of 2 alert(s) firing)", false,
            (secret, _, _, _) => Headers(("Authorization", "Bearer " + secret)));
        yield return new("grafana", "grafana.json", "alert.firing", "warning", "Grafana: FIRING DiskFull", false,
            (secret, _, _, _) => Headers(("Authorization", "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("grafana:" + secret)))));
        yield return new("datadog", "datadog.json", "query_alert_monitor", "error", "Datadog query_alert_monitor TRIGGERED on web-1", false,
            (secret, _, _, _) => Headers(("X-Webhook-Token", secret)));
        yield return new("azuremonitor", "azuremonitor.json", "alert.fired", "error", "Azure Monitor alert FIRED: WCUS-R2-Gen2 (Sev1)", false,
            (secret, _, _, _) => new ProviderRequest(new Dictionary<string, string>(), "?code=" + Uri.EscapeDataString(secret)));
        yield return new("standard", "standard.json", "invoice.paid", "info", "Standard webhook (invoice.paid)", true,
            (secret, body, now, id) =>
            {
                var timestamp = now.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
                var key = Convert.FromBase64String(secret["whsec_".Length..]);
                var signed = Encoding.UTF8.GetBytes($"{id}.{timestamp}.").Concat(body).ToArray();
                return Headers(("webhook-id", id), ("webhook-timestamp", timestamp), ("webhook-signature", "v1," + Convert.ToBase64String(HMACSHA256.HashData(key, signed))));
            });
    }
}

public sealed record ProviderRequest(IReadOnlyDictionary<string, string> Headers, string Query);
