using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Functions.Inbox;


using Serverless.Testing;

namespace Serverless.Tests.Functions.Sources;

/// <summary>Every provider through the real endpoint: verification, normalisation, dedupe and filters.</summary>
public sealed class SourceAdapterTests : IAsyncLifetime
{
    private RunningFunctionsApp _app = null!;
    private HttpClient _http = null!;

    public static TheoryData<ProviderCase> Providers()
    {
        var data = new TheoryData<ProviderCase>();
        foreach (var provider in ProviderCase.All())
        {
            data.Add(provider);
        }

        return data;
    }

    public async Task InitializeAsync()
    {
        var settings = ProviderCase.All().Select(p => p.Source).Distinct()
            .ToDictionary(s => $"Sources:{s}:Secret", s => (string?)ProviderCase.SecretFor(s));
        settings["Channels:criticalonly:MinSeverity"] = "critical";
        settings["Channels:failures:FailuresOnly"] = "true";
        settings["Channels:onerepo:Repositories:0"] = "octo-org/other-repo";
        _app = await RunningFunctionsApp.StartAsync(settings);
        _http = _app.CreateClient();
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _app.DisposeAsync();
    }

    private EmbeddedEventInbox Inbox => _app.Services.GetRequiredService<EmbeddedEventInbox>();

    private async Task<HttpResponseMessage> SendAsync(ProviderCase provider, string channel, byte[] body, ProviderRequest request, Action<HttpRequestMessage>? tamper = null)
    {
        var message = new HttpRequestMessage(HttpMethod.Post, new Uri($"/api/hooks/{provider.Source}/{channel}{request.Query}", UriKind.Relative))
        {
            Content = new ByteArrayContent(body),
        };
        message.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        foreach (var (name, value) in request.Headers)
        {
            message.Headers.TryAddWithoutValidation(name, value);
        }

        tamper?.Invoke(message);
        return await _http.SendAsync(message);
    }

    private Task<HttpResponseMessage> SendSignedAsync(ProviderCase provider, string channel, string? deliveryId = null, byte[]? body = null) =>
        SendAsync(provider, channel, body ?? provider.Body(), provider.Sign(ProviderCase.SecretFor(provider.Source), provider.Body(), DateTimeOffset.UtcNow, deliveryId ?? Guid.NewGuid().ToString()));

    private static string Channel(ProviderCase provider, string purpose) =>
        $"{purpose}-{provider.Source}-{Math.Abs(provider.Fixture.GetHashCode(StringComparison.Ordinal)) % 100000}";

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task A_valid_delivery_is_accepted_and_summarised(ProviderCase provider)
    {
        var channel = Channel(provider, "ok");
        using var response = await SendSignedAsync(provider, channel);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var stored = Assert.Single((await Inbox.ReceiveAsync(channel, 10, TimeSpan.FromMinutes(1), default)).Items).Event;
        Assert.Equal(provider.Source, stored.Kind);
        Assert.Equal(provider.ExpectedEventType, stored.EventType);
        Assert.Equal(provider.ExpectedSeverity, stored.Severity);
        Assert.Contains(provider.SummaryContains, stored.Summary, StringComparison.Ordinal);
        Assert.Equal("third_party", stored.Trust);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task A_wrong_secret_is_401_and_stores_nothing(ProviderCase provider)
    {
        var channel = Channel(provider, "wrong");
        var request = provider.Sign(ProviderCase.WrongSecretFor(provider.Source), provider.Body(), DateTimeOffset.UtcNow, Guid.NewGuid().ToString());
        using var response = await SendAsync(provider, channel, provider.Body(), request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var detail = await ProblemDetailAsync(response);
        Assert.StartsWith($"The credential does not match source '{provider.Source}': check that Sources:{provider.Source}:Secret (env Sources__{provider.Source}__Secret)", detail, StringComparison.Ordinal);
        Assert.DoesNotContain(ProviderCase.SecretFor(provider.Source), detail, StringComparison.Ordinal);
        Assert.DoesNotContain(ProviderCase.WrongSecretFor(provider.Source), detail, StringComparison.Ordinal);
        Assert.Equal(0, Inbox.Count(channel));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task A_delivery_without_its_credential_is_401(ProviderCase provider)
    {
        var channel = Channel(provider, "missing");
        using var response = await SendAsync(provider, channel, provider.Body(), new ProviderRequest(new Dictionary<string, string>(), string.Empty));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        // Told what to send: the provider's own header, or the token's places for providers that cannot sign.
        var detail = await ProblemDetailAsync(response);
        Assert.StartsWith($"The request has no credential for source '{provider.Source}'. ", detail, StringComparison.Ordinal);
        var signed = provider.Sign(ProviderCase.SecretFor(provider.Source), provider.Body(), DateTimeOffset.UtcNow, Guid.NewGuid().ToString());
        Assert.Contains(signed.Query.Length > 0 ? "?code=TOKEN" : CredentialHeader(signed), detail, StringComparison.Ordinal);
        Assert.Equal(0, Inbox.Count(channel));
    }

    /// <summary>The header of a signed request that carries its credential (the one the source's refusal must name).</summary>
    private static string CredentialHeader(ProviderRequest signed) =>
        signed.Headers.Keys.Single(h => h is "Authorization" or "X-Hub-Signature-256" or "X-Gitlab-Token" or "X-PagerDuty-Signature" or "Sentry-Hook-Signature" or "webhook-signature" or "X-Webhook-Token");

    private static async Task<string> ProblemDetailAsync(HttpResponseMessage response)
    {
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return (string?)(await response.Content.ReadFromJsonAsync<JsonObject>())!["detail"] ?? string.Empty;
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task A_changed_byte_breaks_a_body_signature(ProviderCase provider)
    {
        var channel = Channel(provider, "tamper");
        var body = provider.Body();
        var request = provider.Sign(ProviderCase.SecretFor(provider.Source), body, DateTimeOffset.UtcNow, Guid.NewGuid().ToString());
        var changed = body.ToArray();
        var at = Array.IndexOf(changed, (byte)'U');
        changed[at] = (byte)'u';

        using var response = await SendAsync(provider, channel, changed, request);

        // Providers that cannot sign authenticate by token: the token still matches, so only signed bodies are refused.
        Assert.Equal(provider.SignsBody ? HttpStatusCode.Unauthorized : HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal(provider.SignsBody ? 0 : 1, Inbox.Count(channel));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task A_redelivery_is_answered_200_and_stored_once(ProviderCase provider)
    {
        var channel = Channel(provider, "again");
        var deliveryId = Guid.NewGuid().ToString();
        using var first = await SendSignedAsync(provider, channel, deliveryId);
        using var second = await SendSignedAsync(provider, channel, deliveryId);

        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal("duplicate", (string?)(await second.Content.ReadFromJsonAsync<JsonObject>())!["status"]);
        Assert.Equal(1, Inbox.Count(channel));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task A_channel_filter_is_applied_before_storing(ProviderCase provider)
    {
        using var response = await SendSignedAsync(provider, "criticalonly");
        var expected = provider.ExpectedSeverity == "critical" ? HttpStatusCode.Accepted : HttpStatusCode.OK;

        Assert.Equal(expected, response.StatusCode);
        if (expected == HttpStatusCode.OK)
        {
            Assert.Equal("filtered", (string?)(await response.Content.ReadFromJsonAsync<JsonObject>())!["status"]);
        }
    }

    [Fact]
    public async Task Failures_only_and_repository_filters()
    {
        var workflow = ProviderCase.All().First(p => p.Fixture == "github-workflow_run.json");
        var success = System.Text.Encoding.UTF8.GetBytes(System.Text.Encoding.UTF8.GetString(workflow.Body()).Replace("\"conclusion\": \"failure\"", "\"conclusion\": \"success\"", StringComparison.Ordinal));
        var signed = workflow.Sign(ProviderCase.SecretFor("github"), success, DateTimeOffset.UtcNow, Guid.NewGuid().ToString());

        using (var passed = await SendAsync(workflow, "failures", success, signed))
        {
            Assert.Equal(HttpStatusCode.OK, passed.StatusCode);
        }

        using (var failed = await SendSignedAsync(workflow, "failures"))
        {
            Assert.Equal(HttpStatusCode.Accepted, failed.StatusCode);
        }

        using (var otherRepo = await SendSignedAsync(workflow, "onerepo"))
        {
            Assert.Equal(HttpStatusCode.OK, otherRepo.StatusCode);
        }
    }

    [Fact]
    public async Task A_standard_webhook_with_a_stale_timestamp_is_refused()
    {
        var provider = ProviderCase.All().Single(p => p.Source == "standard");
        var stale = provider.Sign(ProviderCase.SecretFor("standard"), provider.Body(), DateTimeOffset.UtcNow.AddMinutes(-6), Guid.NewGuid().ToString());
        var future = provider.Sign(ProviderCase.SecretFor("standard"), provider.Body(), DateTimeOffset.UtcNow.AddMinutes(6), Guid.NewGuid().ToString());

        using var staleResponse = await SendAsync(provider, "stale", provider.Body(), stale);
        using var futureResponse = await SendAsync(provider, "stale", provider.Body(), future);

        Assert.Equal(HttpStatusCode.Unauthorized, staleResponse.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, futureResponse.StatusCode);
        Assert.EndsWith("and that webhook-timestamp is within five minutes of the function app's clock.", await ProblemDetailAsync(staleResponse), StringComparison.Ordinal);
        Assert.Equal(0, Inbox.Count("stale"));
    }

    [Fact]
    public async Task A_github_ping_is_answered_200_and_not_forwarded()
    {
        var github = ProviderCase.All().First(p => p.Source == "github");
        var body = """{"zen":"Keep it logically awesome.","hook_id":1,"repository":{"full_name":"octo-org/octo-repo"}}"""u8.ToArray();
        var request = github.Sign(ProviderCase.SecretFor("github"), body, DateTimeOffset.UtcNow, Guid.NewGuid().ToString());
        var headers = request.Headers.ToDictionary();
        headers["X-GitHub-Event"] = "ping";

        using var response = await SendAsync(github, "ping", body, request with { Headers = headers });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(0, Inbox.Count("ping"));
    }
    [Theory]
    [InlineData("github-workflow_run.json")]
    [InlineData("github-issue_comment.json")]
    [InlineData("sentry-issue.json")]
    public async Task A_captured_signed_body_sent_again_under_a_new_delivery_id_is_stored_once(string fixture)
    {
        // The delivery id travels in a header the provider does not sign, so anyone who saw one request can pick another.
        var provider = ProviderCase.All().Single(p => p.Fixture == fixture);
        var channel = Channel(provider, "recaptured");
        using var first = await SendSignedAsync(provider, channel, Guid.NewGuid().ToString());
        using var second = await SendSignedAsync(provider, channel, Guid.NewGuid().ToString());

        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal("duplicate", (string?)(await second.Content.ReadFromJsonAsync<JsonObject>())!["status"]);
        Assert.Equal(1, Inbox.Count(channel));
    }

    [Theory]
    [InlineData("deployment")]
    [InlineData("check_run")]
    [InlineData("issues")]
    public async Task A_signed_github_body_under_another_event_header_is_not_stored_as_another_event(string forgedEvent)
    {
        var provider = ProviderCase.All().Single(p => p.Fixture == "github-workflow_run.json");
        var channel = $"reheadered-{forgedEvent.Replace('_', '-')}";
        var body = provider.Body();
        ProviderRequest Signed(string eventName) => Reheadered(provider.Sign(ProviderCase.SecretFor("github"), body, DateTimeOffset.UtcNow, Guid.NewGuid().ToString()), "X-GitHub-Event", eventName);

        using var forgedFirst = await SendAsync(provider, channel, body, Signed(forgedEvent));
        using var genuine = await SendAsync(provider, channel, body, Signed("workflow_run"));
        using var forgedAfter = await SendAsync(provider, channel, body, Signed(forgedEvent));

        Assert.Equal(HttpStatusCode.BadRequest, forgedFirst.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, genuine.StatusCode);
        Assert.NotEqual(HttpStatusCode.Accepted, forgedAfter.StatusCode);
        var stored = Assert.Single((await Inbox.ReceiveAsync(channel, 10, TimeSpan.FromMinutes(1), default)).Items).Event;
        Assert.Equal("workflow_run", stored.EventType);
    }

    [Fact]
    public async Task A_signed_github_body_that_proves_no_detailed_event_is_refused_under_such_a_header()
    {
        var provider = ProviderCase.All().Single(p => p.Fixture == "github-workflow_run.json");
        var body = """{"action":"created","deployment":{"id":1},"repository":{"full_name":"octo-org/octo-repo"},"sender":{"login":"UNTRUSTED-TEXT"}}"""u8.ToArray();
        var signed = Reheadered(provider.Sign(ProviderCase.SecretFor("github"), body, DateTimeOffset.UtcNow, Guid.NewGuid().ToString()), "X-GitHub-Event", "pull_request");

        using var response = await SendAsync(provider, "notapr", body, signed);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(0, Inbox.Count("notapr"));
    }

    [Fact]
    public async Task A_signed_sentry_body_under_another_resource_header_is_refused()
    {
        var provider = ProviderCase.All().Single(p => p.Fixture == "sentry-metric_alert.json");
        var signed = Reheadered(provider.Sign(ProviderCase.SecretFor("sentry"), provider.Body(), DateTimeOffset.UtcNow, Guid.NewGuid().ToString()), "Sentry-Hook-Resource", "issue");

        using var response = await SendAsync(provider, "sentryforged", provider.Body(), signed);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(0, Inbox.Count("sentryforged"));
    }

    private static ProviderRequest Reheadered(ProviderRequest request, string name, string value)
    {
        var headers = request.Headers.ToDictionary();
        headers[name] = value;
        return request with { Headers = headers };
    }
}
