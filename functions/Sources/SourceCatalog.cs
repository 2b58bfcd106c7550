using Serverless.Functions.Sources.Alertmanager;
using Serverless.Functions.Sources.AzureMonitor;
using Serverless.Functions.Sources.Datadog;
using Serverless.Functions.Sources.Generic;
using Serverless.Functions.Sources.GitHub;
using Serverless.Functions.Sources.GitLab;
using Serverless.Functions.Sources.Grafana;
using Serverless.Functions.Sources.PagerDuty;
using Serverless.Functions.Sources.Sentry;
using Serverless.Functions.Sources.StandardWebhooks;

namespace Serverless.Functions.Sources;

/// <summary>Every source adapter the app serves under <c>/api/hooks/{source}/{channel}</c>.</summary>
public static class SourceCatalog
{
    public static IReadOnlyList<IWebhookSource> Create() =>
    [
        new GenericSource(),
        new StandardWebhooksSource(),
        new GitHubSource(),
        new GitLabSource(),
        new PagerDutySource(),
        new SentrySource(),
        new GrafanaSource(),
        new AlertmanagerSource(),
        new DatadogSource(),
        new AzureMonitorSource(),
    ];
}
