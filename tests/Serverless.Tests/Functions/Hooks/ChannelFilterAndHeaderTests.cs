using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Functions.Inbox;
using Serverless.Testing;

namespace Serverless.Tests.Functions.Hooks;

/// <summary>The channel filters of docs/sources.md and the generic source's headers, each with what is (not) stored.</summary>
public sealed class ChannelFilterAndHeaderTests(ChannelFilterAndHeaderTests.App fixture) : IClassFixture<ChannelFilterAndHeaderTests.App>
{
    private const string GitHubSecret = "filters-github-secret-0123";

    public sealed class App : SharedApp
    {
        protected override Dictionary<string, string?> Settings() => new()
        {
            ["Sources:github:Secret"] = GitHubSecret,
            ["Sources:pagerduty:Secret"] = "filters-pagerduty-secret-01",
            ["Channels:githubonly:Sources:0"] = "github",
            ["Channels:issuesonly:EventTypes:0"] = "issues",
            ["Channels:paymentsonly:Services:0"] = "payments",
        };
    }

    private EmbeddedEventInbox Inbox => fixture.Running.Services.GetRequiredService<EmbeddedEventInbox>();

    private async Task<HttpResponseMessage> GenericAsync(string channel, string body, params (string Name, string Value)[] headers)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/hooks/generic/{channel}") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "dev-webhook-token");
        foreach (var (name, value) in headers)
        {
            request.Headers.Add(name, value);
        }

        return await fixture.Http.SendAsync(request);
    }

    private async Task<HttpResponseMessage> GitHubAsync(string channel, string eventName, string body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/hooks/github/{channel}") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add("X-Hub-Signature-256", "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(GitHubSecret), Encoding.UTF8.GetBytes(body))));
        request.Headers.Add("X-GitHub-Event", eventName);
        request.Headers.Add("X-GitHub-Delivery", Guid.NewGuid().ToString());
        return await fixture.Http.SendAsync(request);
    }

    private const string IssueOpened = """{"action":"opened","issue":{"number":7,"title":"Flaky","html_url":"https://github.com/o/r/issues/7"},"repository":{"full_name":"o/r"},"sender":{"login":"u"}}""";
    private const string PullRequestOpened = """{"action":"opened","number":8,"pull_request":{"number":8,"title":"Fix","html_url":"https://github.com/o/r/pull/8","user":{"login":"u"}},"repository":{"full_name":"o/r"},"sender":{"login":"u"}}""";

    [Fact]
    public async Task A_sources_filter_stores_only_those_sources()
    {
        using var generic = await GenericAsync("githubonly", """{"title":"from curl"}""");
        Assert.Equal(HttpStatusCode.OK, generic.StatusCode);
        Assert.Contains("filtered", await generic.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
        Assert.Equal(0, Inbox.Count("githubonly"));

        using var github = await GitHubAsync("githubonly", "issues", IssueOpened);
        Assert.Equal(HttpStatusCode.Accepted, github.StatusCode);
        Assert.Equal(1, Inbox.Count("githubonly"));
    }

    [Fact]
    public async Task An_event_types_filter_stores_only_those_types()
    {
        using var pullRequest = await GitHubAsync("issuesonly", "pull_request", PullRequestOpened);
        Assert.Equal(HttpStatusCode.OK, pullRequest.StatusCode);
        Assert.Equal(0, Inbox.Count("issuesonly"));

        using var issue = await GitHubAsync("issuesonly", "issues", IssueOpened);
        Assert.Equal(HttpStatusCode.Accepted, issue.StatusCode);
        Assert.Equal(1, Inbox.Count("issuesonly"));
    }

    private async Task<HttpResponseMessage> PagerDutyAsync(string channel, string serviceName)
    {
        var pagerDuty = ProviderCase.All().First(p => p.Source == "pagerduty");
        var body = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(pagerDuty.Body()).Replace("checkout-api", serviceName, StringComparison.Ordinal));
        var signed = pagerDuty.Sign("filters-pagerduty-secret-01", body, DateTimeOffset.UtcNow, Guid.NewGuid().ToString());
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/hooks/pagerduty/{channel}{signed.Query}") { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        foreach (var (name, value) in signed.Headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        return await fixture.Http.SendAsync(request);
    }

    [Fact]
    public async Task A_services_filter_stores_only_those_services()
    {
        using var other = await PagerDutyAsync("paymentsonly", "search-api");
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
        Assert.Equal(0, Inbox.Count("paymentsonly"));

        using var payments = await PagerDutyAsync("paymentsonly", "payments");
        Assert.Equal(HttpStatusCode.Accepted, payments.StatusCode);
        Assert.Equal(1, Inbox.Count("paymentsonly"));
    }

    [Fact]
    public async Task The_generic_idempotency_key_makes_a_resend_a_duplicate_and_x_event_type_names_the_event()
    {
        var key = Guid.NewGuid().ToString();
        using var first = await GenericAsync("headers", """{"title":"deploy done"}""", ("Idempotency-Key", key), ("X-Event-Type", "deploy.finished"));
        using var again = await GenericAsync("headers", """{"title":"deploy done"}""", ("Idempotency-Key", key), ("X-Event-Type", "deploy.finished"));
        using var other = await GenericAsync("headers", """{"title":"deploy done"}""", ("Idempotency-Key", Guid.NewGuid().ToString()));

        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Contains("duplicate", await again.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
        Assert.Equal(HttpStatusCode.Accepted, other.StatusCode);
        var stored = (await Inbox.ReceiveAsync("headers", 10, TimeSpan.FromMinutes(1), default)).Items.Select(i => i.Event).ToList();
        Assert.Equal(2, stored.Count);
        Assert.Equal("deploy.finished", stored.Single(e => e.Id == (string?)JsonNode.Parse(first.Content.ReadAsStringAsync().Result)!["id"]).EventType);
    }
}
