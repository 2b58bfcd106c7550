using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Functions.Inbox;
using Serverless.Testing;

namespace Serverless.Tests.Functions.Chat.Slack;

/// <summary><c>POST /api/slack/events</c> and <c>/api/slack/interactivity</c> through the real app, against a fake Slack.</summary>
public sealed class SlackRouteTests : IAsyncLifetime
{
    private const string Secret = "slack-signing-secret-for-tests";
    private const string Token = "xoxb-route-tests";
    private const string Owner = "U0OWNER1";
    private FakeSlackApi _slack = null!;
    private RunningFunctionsApp _app = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        _slack = await FakeSlackApi.StartAsync(Token);
        _app = await RunningFunctionsApp.StartAsync(_slack.AppSettings(Secret, "slack-route-tests-relay-token", Owner));
        _http = _app.CreateClient();
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _app.DisposeAsync();
        await _slack.DisposeAsync();
    }

    private EmbeddedEventInbox Inbox => _app.Services.GetRequiredService<EmbeddedEventInbox>();

    private async Task<(HttpStatusCode Status, string Body)> SendAsync(HttpRequestMessage request)
    {
        using (request)
        using (var response = await _http.SendAsync(request))
        {
            return (response.StatusCode, await response.Content.ReadAsStringAsync());
        }
    }

    private static HttpRequestMessage DirectMessage(string eventId, string text = "is the deploy done?", string? secret = null, DateTimeOffset? at = null, int? retry = null) =>
        SlackRequests.Event(SlackRequests.Envelope(SlackRequests.DirectMessage(Owner, text, "1700000000.000100"), eventId), secret ?? Secret, at ?? DateTimeOffset.UtcNow, retry);

    [Fact]
    public async Task The_url_verification_challenge_is_answered_with_the_challenge()
    {
        var (status, body) = await SendAsync(SlackRequests.Event(
            new JsonObject { ["token"] = "x", ["challenge"] = "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P", ["type"] = "url_verification" },
            Secret, DateTimeOffset.UtcNow));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P", body);
    }

    [Fact]
    public async Task A_signed_direct_message_from_an_allowed_user_is_stored_once_however_often_Slack_retries_it()
    {
        var first = await SendAsync(DirectMessage("Ev0RETRY1"));
        var retried = await SendAsync(DirectMessage("Ev0RETRY1", retry: 1));
        var again = await SendAsync(DirectMessage("Ev0RETRY1", retry: 2));

        Assert.Equal(HttpStatusCode.OK, first.Status);
        Assert.Equal((HttpStatusCode.OK, "duplicate"), (retried.Status, (string?)JsonNode.Parse(retried.Body)!["status"]));
        Assert.Equal((HttpStatusCode.OK, "duplicate"), (again.Status, (string?)JsonNode.Parse(again.Body)!["status"]));
        Assert.Equal(1, Inbox.Count("default"));
    }

    [Fact]
    public async Task A_body_changed_by_one_byte_after_signing_is_401_and_stores_nothing()
    {
        var request = DirectMessage("Ev0TAMPER1", "approve");
        var body = await request.Content!.ReadAsByteArrayAsync();
        body[body.Length - 3] ^= 1;
        var tampered = new ByteArrayContent(body);
        tampered.Headers.ContentType = request.Content.Headers.ContentType;
        request.Content = tampered;

        var (status, problem) = await SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Contains("X-Slack-Signature", problem, StringComparison.Ordinal);
        Assert.Equal(0, Inbox.Count("default"));
    }

    [Fact]
    public async Task A_request_signed_with_another_secret_is_401_and_stores_nothing()
    {
        var (status, _) = await SendAsync(DirectMessage("Ev0WRONG1", secret: "not-the-signing-secret"));

        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Equal(0, Inbox.Count("default"));
    }

    [Fact]
    public async Task A_well_signed_request_from_six_minutes_ago_is_401_as_a_replay()
    {
        var (status, problem) = await SendAsync(DirectMessage("Ev0STALE1", at: DateTimeOffset.UtcNow.AddMinutes(-6)));

        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Contains("five minutes", problem, StringComparison.Ordinal);
        Assert.Equal(0, Inbox.Count("default"));
    }

    [Fact]
    public async Task An_unsigned_interaction_is_401_and_answers_nobody()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/api/slack/interactivity", UriKind.Relative))
        {
            Content = new StringContent("payload=" + Uri.EscapeDataString(SlackRequests.ButtonPress(Owner, "perm:allow:abcde", _slack.ResponseUrl()).ToJsonString()), Encoding.UTF8, "application/x-www-form-urlencoded"),
        };

        var (status, _) = await SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Empty(_slack.Calls);
    }

    [Fact]
    public async Task A_message_from_the_bot_itself_or_another_bot_is_ignored()
    {
        var own = SlackRequests.DirectMessage(FakeSlackApi.BotUserId, "my own reply", "1700000000.000500");
        var bot = SlackRequests.DirectMessage(Owner, "a bot's post", "1700000000.000600");
        bot["bot_id"] = "B0OTHER1";

        var a = await SendAsync(SlackRequests.Event(SlackRequests.Envelope(own, "Ev0OWN1"), Secret, DateTimeOffset.UtcNow));
        var b = await SendAsync(SlackRequests.Event(SlackRequests.Envelope(bot, "Ev0BOT1"), Secret, DateTimeOffset.UtcNow));

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), (a.Status, b.Status));
        Assert.Contains("ignored", a.Body, StringComparison.Ordinal);
        Assert.Equal(0, Inbox.Count("default"));
        Assert.Empty(_slack.Sent());
    }
}

/// <summary>Without both of its secrets Slack is off: its routes are 404 and say which settings turn it on.</summary>
public sealed class SlackOffTests : IClassFixture<LocalDefaultApp>
{
    private readonly LocalDefaultApp _app;

    public SlackOffTests(LocalDefaultApp app) => _app = app;

    [Theory]
    [InlineData("/api/slack/events")]
    [InlineData("/api/slack/interactivity")]
    public async Task Every_Slack_route_is_404_naming_the_settings(string path)
    {
        var body = Encoding.UTF8.GetBytes("{}");
        using var request = SlackRequests.SignedPost(path, body, "application/json", "any-secret", DateTimeOffset.UtcNow, null);
        using var response = await _app.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("Slack:SigningSecret and Slack:BotToken", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
