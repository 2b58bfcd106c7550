using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Functions.Inbox;
using Serverless.Functions.Sources;
using Serverless.Testing;

namespace Serverless.Tests.Functions.Hooks;

/// <summary>
/// Each refusal of the webhook route as its sender reads it: the status, a problem details body, and a
/// detail that says what is wrong and what to change, without the secret it was checked against.
/// </summary>
public sealed class WebhookRefusalTests : IAsyncLifetime
{
    private const string GitHubSecret = "test-secret-github-0123456789";
    private RunningFunctionsApp _app = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        // GitHub has a secret; PagerDuty has none, as on a new deployment that did not set it.
        _app = await RunningFunctionsApp.StartAsync(new Dictionary<string, string?> { ["Sources:github:Secret"] = GitHubSecret });
        _http = _app.CreateClient();
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _app.DisposeAsync();
    }

    private EmbeddedEventInbox Inbox => _app.Services.GetRequiredService<EmbeddedEventInbox>();

    private async Task<(HttpStatusCode Status, string? MediaType, string Detail)> PostAsync(
        string path, HttpContent? content = null, Action<HttpRequestMessage>? headers = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(path, UriKind.Relative))
        {
            Content = content ?? new StringContent("""{"title":"Deploy failed"}""", Encoding.UTF8, "application/json"),
        };
        headers?.Invoke(request);
        using var response = await _http.SendAsync(request);
        var body = await response.Content.ReadFromJsonAsync<JsonObject>();
        Assert.Equal((int)response.StatusCode, (int?)body?["status"]);
        return (response.StatusCode, response.Content.Headers.ContentType?.MediaType, (string?)body?["detail"] ?? string.Empty);
    }

    private static Action<HttpRequestMessage> Bearer(string token) =>
        request => request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);

    [Fact]
    public async Task A_request_without_a_token_is_told_how_to_send_one()
    {
        var (status, mediaType, detail) = await PostAsync("/api/hooks/generic/ops");

        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Equal("application/problem+json", mediaType);
        Assert.Equal("The request has no credential for source 'generic'. Send the source's token in an Authorization: Bearer TOKEN header or as ?code=TOKEN in the URL.", detail);
        Assert.Equal(0, Inbox.Count("ops"));
    }

    [Theory]
    [InlineData("wrong-token-0123456789")]
    [InlineData("dev-relay-token")]
    public async Task A_wrong_token_is_told_which_setting_to_check_and_not_the_token(string token)
    {
        var (status, mediaType, detail) = await PostAsync("/api/hooks/generic/ops", headers: Bearer(token));

        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Equal("application/problem+json", mediaType);
        Assert.Equal(
            "The credential does not match source 'generic': check that Sources:generic:Secret (env Sources__generic__Secret) on the function app is the token you send.",
            detail);
        Assert.DoesNotContain("dev-webhook-token", detail, StringComparison.Ordinal);
        Assert.Equal(0, Inbox.Count("ops"));
    }

    [Fact]
    public async Task A_token_in_an_authorization_scheme_other_than_bearer_counts_as_a_wrong_credential()
    {
        var (status, _, detail) = await PostAsync("/api/hooks/generic/ops", headers: r => r.Headers.TryAddWithoutValidation("Authorization", "Token dev-webhook-token"));

        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.StartsWith("The credential does not match source 'generic'", detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_provider_signature_that_does_not_match_names_the_setting_and_the_providers_secret()
    {
        var (status, mediaType, detail) = await PostAsync("/api/hooks/github/ops", headers: r =>
        {
            r.Headers.Add("X-GitHub-Event", "push");
            r.Headers.Add("X-Hub-Signature-256", "sha256=" + new string('0', 64));
        });

        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Equal("application/problem+json", mediaType);
        Assert.Equal(
            "The credential does not match source 'github': check that Sources:github:Secret (env Sources__github__Secret) on the function app is the Secret set in the GitHub webhook.",
            detail);
        Assert.DoesNotContain(GitHubSecret, detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_provider_delivery_without_its_signature_header_is_told_which_header_the_provider_sends()
    {
        var (status, _, detail) = await PostAsync("/api/hooks/github/ops", headers: r => r.Headers.Add("X-GitHub-Event", "push"));

        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Equal(
            "The request has no credential for source 'github'. GitHub signs a delivery (X-Hub-Signature-256) only when the webhook has a secret: set the webhook's Secret in GitHub.",
            detail);
    }

    [Fact]
    public async Task A_source_without_a_secret_names_the_setting_to_set_whatever_the_request_carries()
    {
        var (unsigned, mediaType, detail) = await PostAsync("/api/hooks/pagerduty/ops");
        var (signed, _, signedDetail) = await PostAsync("/api/hooks/pagerduty/ops", headers: r => r.Headers.Add("X-PagerDuty-Signature", "v1=" + new string('0', 64)));

        Assert.Equal(HttpStatusCode.Unauthorized, unsigned);
        Assert.Equal(HttpStatusCode.Unauthorized, signed);
        Assert.Equal("application/problem+json", mediaType);
        Assert.Equal(
            "No secret is configured for source 'pagerduty', so it accepts nothing: set Sources:pagerduty:Secret (env Sources__pagerduty__Secret) on the function app "
            + "to the signing secret PagerDuty showed when the webhook subscription was created.",
            detail);
        Assert.Equal(detail, signedDetail);
        Assert.Equal(0, Inbox.Count("ops"));
    }

    [Fact]
    public async Task An_unknown_source_lists_every_source_of_the_catalogue()
    {
        var (status, mediaType, detail) = await PostAsync("/api/hooks/githb/ops", headers: Bearer("dev-webhook-token"));

        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal("application/problem+json", mediaType);
        var names = string.Join(", ", SourceCatalog.Create().Select(s => s.Name));
        Assert.Equal($"Unknown source 'githb': the sources are {names}. For anything else, use generic.", detail);
        Assert.Contains("github", names, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_channel_name_outside_the_rule_is_told_the_rule()
    {
        var (status, mediaType, detail) = await PostAsync("/api/hooks/generic/Ops_1", headers: Bearer("dev-webhook-token"));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("application/problem+json", mediaType);
        Assert.Equal(
            "Invalid channel 'Ops_1': a channel name is 1 to 40 characters of a-z, 0-9 and '-' ([a-z0-9-]{1,40}). The channel names the relay that gets the event (its --channel).",
            detail);
    }

    [Fact]
    public async Task A_body_over_the_limit_is_told_the_limit_and_its_setting()
    {
        var (status, mediaType, detail) = await PostAsync(
            "/api/hooks/generic/ops", new StringContent(new string('a', (1024 * 1024) + 1), Encoding.UTF8, "text/plain"), Bearer("dev-webhook-token"));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, status);
        Assert.Equal("application/problem+json", mediaType);
        Assert.Equal(
            "The body is larger than 1048576 bytes, this function app's limit (Ingress:MaxBodyBytes): send a smaller body, or raise the limit.",
            detail);
    }

    [Fact]
    public async Task Malformed_json_is_told_what_is_wrong_and_what_to_send()
    {
        var (status, mediaType, detail) = await PostAsync(
            "/api/hooks/generic/ops", new StringContent("{\"title\": ", Encoding.UTF8, "application/json"), Bearer("dev-webhook-token"));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("application/problem+json", mediaType);
        Assert.StartsWith("The body is not valid JSON: ", detail, StringComparison.Ordinal);
        Assert.EndsWith("Send a JSON object, or text with Content-Type: text/plain.", detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_empty_body_is_told_what_to_send()
    {
        var (status, _, detail) = await PostAsync("/api/hooks/generic/ops", new StringContent(string.Empty), Bearer("dev-webhook-token"));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("The body is empty: send the event as a JSON object, or as text with Content-Type: text/plain.", detail);
    }
}
