using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Moq;
using Serverless.Functions.Events;
using Serverless.Functions.Inbox;
using Serverless.Functions.Publishing;
using Serverless.Testing;

namespace Serverless.Tests.Functions.Hooks;

public sealed class GenericWebhookTests : IAsyncLifetime
{
    private readonly Mock<IEventPublisher> _publisher = new();
    private readonly List<ChannelEvent> _published = [];
    private RunningFunctionsApp _app = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _publisher.Setup(p => p.PublishAsync(It.IsAny<ChannelEvent>(), It.IsAny<string>(), It.IsAny<CancellationToken>()))
            .Callback<ChannelEvent, string, CancellationToken>((e, _, _) => _published.Add(e))
            .ReturnsAsync(true);
        _app = await RunningFunctionsApp.StartAsync(services: s => s.AddSingleton(_publisher.Object));
        _client = _app.CreateClient();
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _app.DisposeAsync();
    }

    private EmbeddedEventInbox Inbox => _app.Services.GetRequiredService<EmbeddedEventInbox>();

    private Task<HttpResponseMessage> PostAsync(string path, HttpContent content, string? bearer = "dev-webhook-token")
    {
        var request = new HttpRequestMessage(HttpMethod.Post, new Uri(path, UriKind.Relative)) { Content = content };
        if (bearer is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }

        return _client.SendAsync(request);
    }

    [Fact]
    public async Task A_json_webhook_is_stored_then_published_and_answered_202_with_its_id()
    {
        using var response = await PostAsync("/api/hooks/generic/ops", JsonContent.Create(new { title = "Deploy failed", env = "prod" }));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var id = (string?)(await response.Content.ReadFromJsonAsync<JsonObject>())!["id"];
        var published = Assert.Single(_published);
        Assert.Equal(id, published.Id);
        Assert.Equal("ops", published.Channel);
        Assert.Equal("generic", published.Kind);
        Assert.Equal("1.0", published.SpecVersion);
        Assert.Equal("application/json", published.DataContentType);
        Assert.Contains("Deploy failed", published.Summary, StringComparison.Ordinal);
        Assert.Contains("env: prod", published.Summary, StringComparison.Ordinal);
        Assert.Equal(TrustLevel.ThirdParty, published.Trust);
        Assert.Equal(1, Inbox.Count("ops"));
    }

    [Fact]
    public async Task A_text_webhook_with_the_token_in_the_query_is_accepted()
    {
        using var response = await PostAsync("/api/hooks/generic/ops?code=dev-webhook-token", new StringContent("disk full on db-1", Encoding.UTF8, "text/plain"), bearer: null);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var published = Assert.Single(_published);
        Assert.Equal("text/plain", published.DataContentType);
        Assert.Contains("disk full on db-1", published.Summary, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("wrong-token")]
    [InlineData("dev-relay-token")]
    public async Task A_missing_or_wrong_token_is_401_and_nothing_is_stored_or_published(string? token)
    {
        using var response = await PostAsync("/api/hooks/generic/ops", JsonContent.Create(new { title = "x" }), token);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        // Problem details since the refusal says what to change (WebhookRefusalTests has each text); was an empty body.
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Empty(_published);
        Assert.Equal(0, Inbox.Count("ops"));
    }

    [Fact]
    public async Task Malformed_json_is_400_and_nothing_is_stored()
    {
        using var response = await PostAsync("/api/hooks/generic/ops", new StringContent("{\"title\": ", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("not valid JSON", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Empty(_published);
        Assert.Equal(0, Inbox.Count("ops"));
    }

    [Fact]
    public async Task A_lone_surrogate_escape_in_a_json_string_is_400_and_nothing_is_stored()
    {
        // Valid JSON syntax, but reading the title as a string throws: it must be refused at the door, not fail as a 500.
        using var response = await PostAsync("/api/hooks/generic/ops", new StringContent("""{"title":"db \ud800 down"}""", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("not valid JSON", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Empty(_published);
        Assert.Equal(0, Inbox.Count("ops"));
    }

    [Fact]
    public async Task An_empty_body_is_400()
    {
        using var response = await PostAsync("/api/hooks/generic/ops", new StringContent(string.Empty));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Empty(_published);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_body_over_one_mebibyte_is_413_with_or_without_a_content_length(bool chunked)
    {
        var payload = new string('a', (1024 * 1024) + 1);
        HttpContent content = chunked
            ? new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(payload)))
            : new StringContent(payload, Encoding.UTF8, "text/plain");
        if (chunked)
        {
            content.Headers.ContentLength = null;
        }

        using var response = await PostAsync("/api/hooks/generic/ops", content);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Empty(_published);
        Assert.Equal(0, Inbox.Count("ops"));
    }

    [Theory]
    [InlineData("Ops")]
    [InlineData("ops_1")]
    [InlineData("ops.1")]
    [InlineData("a-channel-name-that-is-longer-than-forty-chars")]
    public async Task A_channel_name_outside_the_rule_is_400(string channel)
    {
        using var response = await PostAsync($"/api/hooks/generic/{Uri.EscapeDataString(channel)}", JsonContent.Create(new { title = "x" }));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("channel", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Empty(_published);
    }

    [Fact]
    public async Task An_unknown_source_is_404()
    {
        using var response = await PostAsync("/api/hooks/nosuchsource/ops", JsonContent.Create(new { title = "x" }));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Empty(_published);
    }
}
