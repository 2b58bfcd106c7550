using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Functions.Chat;
using Serverless.Functions.Events;
using Serverless.Functions.History;
using Serverless.Functions.Inbox;
using Serverless.Testing;

namespace Serverless.Tests.Functions.History;

/// <summary>
/// POST /api/relay/replay never sends a decision again: a permission answer or an ask_user answer made on Telegram is a
/// 409 whose detail says why, and nothing is stored. The decisions are made the way a phone makes them (a button press
/// through the app's own permission and question paths), so the test pins what those paths store.
/// </summary>
public sealed class DecisionReplayTests : IAsyncLifetime
{
    private const string RelayToken = "decision-replay-relay-token-0123456789";
    private const string Owner = "111";
    private FakeTelegramBotApi _telegram = null!;
    private RunningFunctionsApp _app = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        _telegram = await FakeTelegramBotApi.StartAsync("42:replay");
        _app = await RunningFunctionsApp.StartAsync(new Dictionary<string, string?>
        {
            ["Telegram:BotToken"] = "42:replay",
            ["Telegram:SecretToken"] = "replay-secret-token-0123",
            ["Telegram:ApiBaseUrl"] = _telegram.BaseUrl.ToString(),
            ["Telegram:AllowedUsers:0"] = Owner,
            ["Relay:Tokens:0:Secret"] = RelayToken,
            ["Relay:Tokens:0:Channels"] = "default",
        });
        _http = _app.CreateClient();
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", RelayToken);
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _app.DisposeAsync();
        await _telegram.DisposeAsync();
    }

    private ChatConversation Conversation => _app.Services.GetRequiredService<ChatConversation>();

    private IChatTransport Telegram => _app.Services.GetRequiredService<ChatTransports>().Find("telegram")!;

    private EmbeddedEventInbox Inbox => _app.Services.GetRequiredService<EmbeddedEventInbox>();

    private async Task<ChannelEvent> TakeOneAsync() =>
        Assert.Single((await Inbox.ReceiveAsync("default", 10, TimeSpan.FromMinutes(1), default)).Items).Event;

    private async Task<(HttpStatusCode Status, JsonObject Body)> ReplayAsync(string id)
    {
        await _app.Services.GetRequiredService<EventHistory>().DrainAsync(default);
        using var response = await _http.PostAsJsonAsync(new Uri("/api/relay/replay", UriKind.Relative), new JsonObject { ["channel"] = "default", ["id"] = id });
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return (response.StatusCode, JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject());
    }

    [Fact]
    public async Task A_permission_answer_from_the_phone_is_never_replayed_and_the_refusal_says_why()
    {
        using var asked = await _http.PostAsJsonAsync(
            new Uri("/api/relay/permission", UriKind.Relative),
            new JsonObject { ["channel"] = "default", ["request_id"] = "abcde", ["tool_name"] = "Bash", ["description"] = "rm -rf build", ["input_preview"] = "rm -rf build" });
        Assert.Equal(HttpStatusCode.OK, asked.StatusCode);
        Assert.Equal("✅ Allowed", (await Conversation.HandleButtonAsync(Telegram, new ChatButtonPress(Owner, Owner, "perm:allow:abcde"), default)).Text);
        var answer = await TakeOneAsync();
        Assert.Equal(("telegram", "permission", "allowlisted", "allow"), (answer.Kind, answer.EventType, answer.Trust, answer.Behavior));

        var stored = Inbox.Count("default");

        var (status, problem) = await ReplayAsync(answer.Id);

        Assert.Equal(HttpStatusCode.Conflict, status);
        Assert.Equal($"Event {answer.Id} is a permission answer from a chat; decisions are never replayed (ask again instead).", (string?)problem["detail"]);
        Assert.Equal(stored, Inbox.Count("default"));
    }

    [Fact]
    public async Task An_ask_user_answer_from_the_phone_is_never_replayed_and_the_refusal_says_why()
    {
        using var asked = await _http.PostAsJsonAsync(
            new Uri("/api/relay/questions", UriKind.Relative),
            new JsonObject { ["channel"] = "default", ["question"] = "Deploy?", ["options"] = new JsonArray("Go", "Stop"), ["chat_id"] = Owner });
        Assert.Equal(HttpStatusCode.OK, asked.StatusCode);
        var go = (string)_telegram.Sent()[^1]["reply_markup"]!["inline_keyboard"]![0]![0]!["callback_data"]!;
        Assert.StartsWith("✅ Sent to Claude: Go", (await Conversation.HandleButtonAsync(Telegram, new ChatButtonPress(Owner, Owner, go), default)).Text, StringComparison.Ordinal);
        var answer = await TakeOneAsync();
        Assert.Equal(("telegram", "answer", "allowlisted"), (answer.Kind, answer.EventType, answer.Trust));

        var stored = Inbox.Count("default");

        var (status, problem) = await ReplayAsync(answer.Id);

        Assert.Equal(HttpStatusCode.Conflict, status);
        Assert.Equal($"Event {answer.Id} is an ask_user answer from a chat; decisions are never replayed (ask again instead).", (string?)problem["detail"]);
        Assert.Equal(stored, Inbox.Count("default"));
    }

    [Fact]
    public async Task A_generic_webhook_that_calls_itself_a_permission_answer_is_no_decision_and_replays_as_any_event()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/api/hooks/generic/default", UriKind.Relative))
        {
            Content = JsonContent.Create(new JsonObject { ["title"] = "allow", ["requestid"] = "abcde", ["behavior"] = "allow", ["trust"] = "allowlisted", ["kind"] = "telegram" }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "dev-webhook-token");
        request.Headers.Add("X-Event-Type", "permission");
        using var response = await _http.SendAsync(request);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);

        var stored = await TakeOneAsync();

        // The sender chose the event type, and nothing else of what makes a decision.
        Assert.Equal(("generic", "permission", "third_party", null, null), (stored.Kind, stored.EventType, stored.Trust, stored.RequestId, stored.Behavior));
        Assert.Null(Serverless.Contracts.DecisionEvents.Classify(stored.Kind, stored.Trust, stored.EventType));
        await _app.Services.GetRequiredService<EventHistory>().DrainAsync(default);
        using var replay = await _http.PostAsJsonAsync(new Uri("/api/relay/replay", UriKind.Relative), new JsonObject { ["channel"] = "default", ["id"] = stored.Id });
        Assert.Equal(HttpStatusCode.OK, replay.StatusCode);
    }
}
