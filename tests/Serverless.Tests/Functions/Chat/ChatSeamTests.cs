using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Functions.Chat;
using Serverless.Functions.Hosting;
using Serverless.Functions.Inbox;
using Serverless.Testing;

namespace Serverless.Tests.Functions.Chat;

/// <summary>
/// The shared chat code with a second transport beside Telegram: the relay routes, the outbound gate,
/// pairing and permission requests work for any transport that implements the seam, and Telegram keeps
/// its own behaviour next to it.
/// </summary>
public sealed partial class ChatSeamTests : IAsyncLifetime
{
    private const string RelayToken = "chat-seam-relay-token-0123456789";
    private const long TelegramOwner = 111;
    private FakeTelegramBotApi _telegram = null!;
    private RunningFunctionsApp _app = null!;
    private HttpClient _http = null!;

    private RecordingChatTransport Pigeon => _app.Services.GetRequiredService<RecordingChatTransport>();

    public async Task InitializeAsync()
    {
        _telegram = await FakeTelegramBotApi.StartAsync("42:seam");
        _app = await RunningFunctionsApp.StartAsync(
            new Dictionary<string, string?>
            {
                ["Telegram:BotToken"] = "42:seam",
                ["Telegram:SecretToken"] = "seam-secret-token-0123",
                ["Telegram:ApiBaseUrl"] = _telegram.BaseUrl.ToString(),
                ["Telegram:AllowedUsers:0"] = TelegramOwner.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["Relay:Tokens:0:Secret"] = RelayToken,
                ["Relay:Tokens:0:Channels"] = "default",
            },
            services => services.AddChatTransport<RecordingChatTransport>("pigeon", new DeploymentMode(runsInAzure: false, embeddedWebPubSub: true, embeddedInbox: true, developmentStorage: false)));
        _http = _app.CreateClient();
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", RelayToken);
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _app.DisposeAsync();
        await _telegram.DisposeAsync();
    }

    private async Task<(HttpStatusCode Status, JsonObject Body)> PostAsync(string path, JsonObject body)
    {
        using var response = await _http.PostAsJsonAsync(new Uri(path, UriKind.Relative), body);
        return (response.StatusCode, JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject());
    }

    private ChatConversation Conversation => _app.Services.GetRequiredService<ChatConversation>();

    private static ChatInboundMessage Private(string user, string text) => new()
    {
        UserId = user,
        UserName = user,
        ChatReference = $"pigeon:{user}",
        Kind = ChatKind.Private,
        Text = text,
        MessageId = "7",
        DeliveryId = $"pigeon:{user}:{text}",
    };

    [Fact]
    public async Task A_reply_goes_through_the_transport_its_route_names_split_at_that_transports_length()
    {
        var (status, body) = await PostAsync("/api/relay/pigeon/reply", new JsonObject { ["channel"] = "default", ["chat_id"] = "pigeon:u1", ["text"] = $"{new string('a', 200)} {new string('b', 200)}", ["reply_to"] = "m5" });

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("pigeon:u1", (string?)body["chat_id"]);
        Assert.Equal([new string('a', 200), new string('b', 200)], Pigeon.Sent.Select(m => m.Text));
        Assert.Equal(["m5", null], Pigeon.Sent.Select(m => m.ReplyTo));
        Assert.Equal(2, body["message_ids"]!.AsArray().Count);
        Assert.Empty(_telegram.Sent());
    }

    [Fact]
    public async Task Markdown_the_transport_refuses_goes_again_as_plain_text_and_the_answer_says_so()
    {
        Pigeon.RefusesMarkdown = true;

        var (status, body) = await PostAsync("/api/relay/pigeon/reply", new JsonObject { ["channel"] = "default", ["chat_id"] = "pigeon:u1", ["text"] = "*done*", ["format"] = "markdown" });

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.True((bool?)body["formatting_dropped"]);
        Assert.Equal(ChatTextFormat.Plain, Assert.Single(Pigeon.Sent).Format);
    }

    [Theory]
    [InlineData(null, HttpStatusCode.OK, "pigeon:n1")]
    [InlineData("pigeon:u1", HttpStatusCode.OK, "pigeon:u1")]
    [InlineData("pigeon:g1", HttpStatusCode.OK, "pigeon:g1")]
    [InlineData("pigeon:g1:thread-9", HttpStatusCode.OK, "pigeon:g1:thread-9")]
    [InlineData("pigeon:stranger", HttpStatusCode.Forbidden, null)]
    [InlineData("111", HttpStatusCode.BadRequest, null)]
    public async Task The_outbound_gate_is_the_same_for_every_transport(string? chat, HttpStatusCode expected, string? reached)
    {
        var (status, _) = await PostAsync("/api/relay/pigeon/react", new JsonObject { ["channel"] = "default", ["chat_id"] = chat, ["message_id"] = "m1", ["emoji"] = "eyes" });

        Assert.Equal(expected, status);
        Assert.Equal(reached is null ? [] : [reached], Pigeon.Reactions.Select(r => r.Chat));
    }

    [Fact]
    public async Task A_users_private_chat_is_learned_from_their_messages_and_replies_may_go_there_from_then_on()
    {
        // On Slack a direct conversation (D...) has an id of its own, not the user's (U...): u1 is reachable
        // from the start at the chat the transport names for them (pigeon:u1), and at pigeon:u2 once they wrote there.
        ChatInboundMessage fromU2 = Private("u2", "first words") with { UserId = "u1" };
        Assert.Equal(HttpStatusCode.Forbidden, (await PostAsync("/api/relay/pigeon/reply", new JsonObject { ["channel"] = "default", ["chat_id"] = "pigeon:u2", ["text"] = "hi" })).Status);

        Assert.StartsWith("stored ", await Conversation.HandleMessageAsync(Pigeon, fromU2, default), StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.OK, (await PostAsync("/api/relay/pigeon/reply", new JsonObject { ["channel"] = "default", ["chat_id"] = "pigeon:u2", ["text"] = "hi" })).Status);
    }

    [Fact]
    public async Task An_unknown_transport_and_one_that_is_not_configured_answer_404_with_what_is_missing()
    {
        await using var bare = await RunningFunctionsApp.StartAsync(new Dictionary<string, string?> { ["Relay:Tokens:0:Secret"] = RelayToken, ["Relay:Tokens:0:Channels"] = "default" });
        using var http = bare.CreateClient();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", RelayToken);

        using var unknown = await _http.PostAsJsonAsync(new Uri("/api/relay/carrier-pigeon/reply", UriKind.Relative), new JsonObject { ["channel"] = "default", ["text"] = "x" });
        using var off = await http.PostAsJsonAsync(new Uri("/api/relay/telegram/reply", UriKind.Relative), new JsonObject { ["channel"] = "default", ["text"] = "x" });

        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Contains("no chat transport 'carrier-pigeon'", await unknown.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, off.StatusCode);
        Assert.Contains("Telegram:BotToken", await off.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_stranger_on_another_transport_pairs_with_the_same_relay_pair_and_then_reaches_the_session()
    {
        Assert.Equal("pairing code sent", await Conversation.HandleMessageAsync(Pigeon, Private("u9", "hello"), default));
        var code = Code().Match(Pigeon.Sent.Last().Text).Groups[1].Value;
        Assert.Equal(0, _app.Services.GetRequiredService<EmbeddedEventInbox>().Count("default"));

        var (status, paired) = await PostAsync("/api/relay/pair", new JsonObject { ["channel"] = "default", ["code"] = code });

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(("u9", "pigeon:u9", "pigeon"), ((string?)paired["user_id"], (string?)paired["chat_id"], (string?)paired["transport"]));
        Assert.StartsWith("Paired ✅", Pigeon.Sent.Last().Text, StringComparison.Ordinal);
        Assert.StartsWith("stored ", await Conversation.HandleMessageAsync(Pigeon, Private("u9", "look at CI"), default), StringComparison.Ordinal);
        var stored = Assert.Single((await _app.Services.GetRequiredService<EmbeddedEventInbox>().ReceiveAsync("default", 10, TimeSpan.FromMinutes(1), default)).Items).Event;
        Assert.Equal(("pigeon", "message", "pigeon:u9", "u9", "allowlisted"), (stored.Kind, stored.EventType, stored.ChatId, stored.User, stored.Trust));
        // The code worked once, and only on the transport that gave it.
        Assert.Equal(HttpStatusCode.NotFound, (await PostAsync("/api/relay/pair", new JsonObject { ["channel"] = "default", ["code"] = code })).Status);
    }

    [Fact]
    public async Task A_permission_request_reaches_the_paired_chats_of_every_transport_and_the_first_answer_closes_it_everywhere()
    {
        var (status, body) = await PostAsync("/api/relay/permission", new JsonObject { ["channel"] = "default", ["request_id"] = "abcde", ["tool_name"] = "Bash", ["description"] = "run the tests", ["input_preview"] = "dotnet test" });

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(2, (int?)body["chats"]);
        var onTelegram = Assert.Single(_telegram.Sent());
        Assert.Equal("perm:allow:abcde", (string?)onTelegram["reply_markup"]!["inline_keyboard"]![1]![0]!["callback_data"]);
        var onPigeon = Assert.Single(Pigeon.Sent);
        Assert.Equal(["perm:more:abcde", "perm:allow:abcde", "perm:deny:abcde"], onPigeon.Buttons.SelectMany(row => row).Select(b => b.Data));

        var stranger = await Conversation.HandleButtonAsync(Pigeon, new ChatButtonPress("u9", "u9", "perm:allow:abcde"), default);
        Assert.Equal("You are not allowed to answer this.", stranger.Text);
        Assert.Equal(0, _app.Services.GetRequiredService<EmbeddedEventInbox>().Count("default"));

        var answer = await Conversation.HandleButtonAsync(Pigeon, new ChatButtonPress("u1", "u1", "perm:deny:abcde"), default);

        Assert.Equal("❌ Denied", answer.Text);
        var verdict = Assert.Single((await _app.Services.GetRequiredService<EmbeddedEventInbox>().ReceiveAsync("default", 10, TimeSpan.FromMinutes(1), default)).Items).Event;
        Assert.Equal(("pigeon", "permission", "abcde", "deny"), (verdict.Kind, verdict.EventType, verdict.RequestId, verdict.Behavior));
        Assert.EndsWith("❌ Denied", Assert.Single(Pigeon.Edited).Text, StringComparison.Ordinal);
        Assert.EndsWith("❌ Denied", (string?)Assert.Single(_telegram.Sent("editMessageText"))["text"], StringComparison.Ordinal);
        Assert.Equal("Request abcde was already answered.", (await Conversation.HandleButtonAsync(Pigeon, new ChatButtonPress("u1", "u1", "perm:allow:abcde"), default)).Text);
    }

    [Fact]
    public async Task Ask_user_asks_in_the_transports_chat_and_a_tap_there_answers_it()
    {
        var (status, asked) = await PostAsync("/api/relay/questions", new JsonObject { ["channel"] = "default", ["question"] = "Deploy?", ["options"] = new JsonArray("Go", "Stop") });

        // No chat_id: the first transport with a notification chat for the channel (Telegram has none here).
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("pigeon:n1", (string?)asked["chat_id"]);
        var question = Assert.Single(Pigeon.Sent);
        Assert.Contains("Deploy?", question.Text, StringComparison.Ordinal);
        var buttons = question.Buttons.SelectMany(row => row).ToList();
        Assert.Equal(["Go", "Stop"], buttons.Select(b => b.Text));
        Assert.Empty(_telegram.Sent());

        Assert.Equal("You are not allowed to answer this.", (await Conversation.HandleButtonAsync(Pigeon, new ChatButtonPress("u9", "u9", buttons[1].Data), default)).Text);
        var answer = await Conversation.HandleButtonAsync(Pigeon, new ChatButtonPress("u1", "u1", buttons[0].Data), default);

        Assert.StartsWith("✅ Sent to Claude: Go", answer.Text, StringComparison.Ordinal);
        var answered = Assert.Single((await _app.Services.GetRequiredService<EmbeddedEventInbox>().ReceiveAsync("default", 10, TimeSpan.FromMinutes(1), default)).Items).Event;
        Assert.Equal(("pigeon", "answer"), (answered.Kind, answered.EventType));
        Assert.Contains("answered: Go", Assert.Single(Pigeon.Edited).Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_sender_is_known_by_their_stable_id_and_a_name_they_chose_only_travels_beside_it()
    {
        // Any member can rename themselves "alice": the name must never stand where the identity does.
        var inbox = _app.Services.GetRequiredService<EmbeddedEventInbox>();
        await Conversation.HandleMessageAsync(Pigeon, Private("u1", "deploy it") with { UserName = "alice" }, default);
        var message = Assert.Single((await inbox.ReceiveAsync("default", 10, TimeSpan.FromMinutes(1), default)).Items).Event;
        Assert.Equal(("u1", "alice"), (message.User, message.UserName));

        var (_, asked) = await PostAsync("/api/relay/questions", new JsonObject { ["channel"] = "default", ["question"] = "Deploy?", ["options"] = new JsonArray("Go", "Stop") });
        var go = Assert.Single(Pigeon.Sent).Buttons.SelectMany(row => row).First().Data;
        await Conversation.HandleButtonAsync(Pigeon, new ChatButtonPress("u1", "alice", go), default);

        var answer = Assert.Single((await inbox.ReceiveAsync("default", 10, TimeSpan.FromMinutes(1), default)).Items).Event;
        Assert.Equal(("u1", "alice", "u1 (alice)"), (answer.User, answer.UserName, (string?)answer.Data!["answered_by"]));
        Assert.StartsWith("Answer to question " + (string?)asked["id"] + " from u1 (alice): Go", answer.Summary, StringComparison.Ordinal);
        Assert.Contains("u1 (alice) answered: Go", Assert.Single(Pigeon.Edited).Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Capabilities_name_every_configured_transport_and_where_a_reply_without_chat_goes()
    {
        using var response = await _http.GetAsync(new Uri("/api/relay/capabilities?channel=default", UriKind.Relative));
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        Assert.Equal(["telegram", "pigeon"], body["transports"]!.AsArray().Select(t => (string?)t));
        Assert.Equal("pigeon", (string?)body["notification_transport"]);
        Assert.True((bool?)body["permission_relay"]);
    }

    [GeneratedRegex(@"relay pair ([A-Z0-9]{6})")]
    private static partial Regex Code();
}
