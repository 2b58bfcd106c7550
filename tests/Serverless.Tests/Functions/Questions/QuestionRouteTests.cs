using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Functions.Inbox;
using Serverless.Functions.Chat.Access;
using Serverless.Testing;

namespace Serverless.Tests.Functions.Questions;

/// <summary>
/// The relay's question routes and the Telegram side of answering, on one app with a fake Bot API on
/// 127.0.0.1 and a clock the tests move. Each test asks in chats of its own, so the shared app's state does
/// not leak between them.
/// </summary>
public sealed class QuestionRouteTests(QuestionRouteTests.QuestionsApp fixture) : IClassFixture<QuestionRouteTests.QuestionsApp>
{
    public const string AdminToken = "questions-admin-token-0123456789";
    public const string TeamAToken = "questions-team-a-token-0123456789";
    private const string Secret = "telegram-secret-token-0123";
    private const long Group = -100777;
    private static int _nextUser = 5000;
    private static int _nextUpdate = 1;

    public sealed class QuestionsApp : IAsyncLifetime
    {
        public ManualTimeProvider Clock { get; } = new();

        public FakeTelegramBotApi Telegram { get; private set; } = null!;

        public RunningFunctionsApp App { get; private set; } = null!;

        public HttpClient Http { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            Telegram = await FakeTelegramBotApi.StartAsync("77:questions-bot");
            App = await RunningFunctionsApp.StartAsync(
                new Dictionary<string, string?>
                {
                    ["Telegram:BotToken"] = "77:questions-bot",
                    ["Telegram:SecretToken"] = Secret,
                    ["Telegram:ApiBaseUrl"] = Telegram.BaseUrl.ToString(),
                    ["Telegram:BotUsername"] = "claude_bot",
                    ["Telegram:AllowedGroups:0"] = Group.ToString(CultureInfo.InvariantCulture),
                    ["Relay:Tokens:0:Secret"] = AdminToken,
                    ["Relay:Tokens:0:Channels"] = "*",
                    ["Relay:Tokens:1:Secret"] = TeamAToken,
                    ["Relay:Tokens:1:Channels"] = "team-a",
                },
                services => services.AddSingleton<TimeProvider>(Clock));
            Http = App.CreateClient();
        }

        public async Task DisposeAsync()
        {
            Http.Dispose();
            await App.DisposeAsync();
            await Telegram.DisposeAsync();
        }
    }

    private IChatAccessStore Access => fixture.App.Services.GetRequiredKeyedService<IChatAccessStore>("telegram");

    private static string Id(long telegramId) => telegramId.ToString(CultureInfo.InvariantCulture);

    private EmbeddedEventInbox Inbox => fixture.App.Services.GetRequiredService<EmbeddedEventInbox>();

    /// <summary>A person paired for <paramref name="channel"/>, with a private chat of the same id.</summary>
    private async Task<long> PairedAsync(string channel = "default")
    {
        var user = Interlocked.Increment(ref _nextUser);
        await Access.AllowAsync(Id(user), Id(user), channel, default);
        return user;
    }

    private async Task<(HttpStatusCode Status, JsonObject Body)> SendAsync(HttpMethod method, string path, object? body = null, string token = AdminToken)
    {
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (body is not null)
        {
            request.Content = new StringContent(body as string ?? System.Text.Json.JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");
        }

        using var response = await fixture.Http.SendAsync(request);
        // A body the JSON binder refuses outright (a key given twice) gets a 400 with no document.
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? [] : JsonNode.Parse(text)!.AsObject());
    }

    private Task<(HttpStatusCode Status, JsonObject Body)> AskAsync(long chat, string question, string[]? options = null, string channel = "default", int? timeout = null, string? key = null, string? format = null, string token = AdminToken) =>
        SendAsync(HttpMethod.Post, "/api/relay/questions", new JsonObject
        {
            ["channel"] = channel,
            ["question"] = question,
            ["options"] = options is null ? null : new JsonArray([.. options.Select(o => (JsonNode?)o)]),
            ["chat_id"] = chat.ToString(CultureInfo.InvariantCulture),
            ["timeout_seconds"] = timeout,
            ["key"] = key,
            ["format"] = format,
        }.ToJsonString(), token);

    private Task<(HttpStatusCode Status, JsonObject Body)> GetAsync(string id, string channel = "default", string token = AdminToken) =>
        SendAsync(HttpMethod.Get, $"/api/relay/questions/{id}?channel={channel}", token: token);

    private List<JsonObject> SentTo(long chat, string method = "sendMessage") =>
        [.. fixture.Telegram.Sent(method).Where(m => (long)m["chat_id"]! == chat)];

    private async Task PostUpdateAsync(JsonObject update)
    {
        update["update_id"] = Interlocked.Increment(ref _nextUpdate);
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/api/telegram", UriKind.Relative)) { Content = JsonContent.Create(update) };
        request.Headers.Add("X-Telegram-Bot-Api-Secret-Token", Secret);
        using var response = await fixture.Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private Task TapAsync(long from, string id, int option, string callbackId) => PostUpdateAsync(new JsonObject
    {
        ["callback_query"] = new JsonObject
        {
            ["id"] = callbackId,
            ["from"] = new JsonObject { ["id"] = from, ["is_bot"] = false, ["first_name"] = "T", ["username"] = $"user{from}" },
            ["data"] = $"ask:{id}:{option}",
            ["message"] = new JsonObject { ["message_id"] = 1, ["chat"] = new JsonObject { ["id"] = from, ["type"] = "private" } },
        },
    });

    private Task MessageAsync(long from, long chat, string text, string chatType = "private", long? replyTo = null) => PostUpdateAsync(new JsonObject
    {
        ["message"] = new JsonObject
        {
            ["message_id"] = Random.Shared.Next(1, 1_000_000),
            ["from"] = new JsonObject { ["id"] = from, ["is_bot"] = false, ["first_name"] = "M" },
            ["chat"] = new JsonObject { ["id"] = chat, ["type"] = chatType },
            ["text"] = text,
            ["reply_to_message"] = replyTo is { } id ? new JsonObject { ["message_id"] = id, ["from"] = new JsonObject { ["id"] = 1, ["is_bot"] = true, ["username"] = "claude_bot" } } : null,
        },
    });

    private string? CallbackAnswer(string callbackId) =>
        (string?)fixture.Telegram.Sent("answerCallbackQuery").LastOrDefault(m => (string?)m["callback_query_id"] == callbackId)?["text"];

    public static TheoryData<string, string> BadAsks() => new()
    {
        { """{"channel":"default","question":"  "}""", "question must be 1 to 3000 characters" },
        { $$"""{"channel":"default","question":"{{new string('q', 3001)}}"}""", "question must be 1 to 3000 characters" },
        { """{"channel":"default","question":"Go?","options":["a","b","c","d","e","f","g","h","i","j","k"]}""", "at most 10 answers" },
        { """{"channel":"default","question":"Go?","options":["yes",""]}""", "Each option must be 1 to 64 characters" },
        { $$"""{"channel":"default","question":"Go?","options":["{{new string('o', 65)}}"]}""", "Each option must be 1 to 64 characters" },
        { """{"channel":"default","question":"Go?","options":["yes","no\nreally"]}""", "on one line" },
        { """{"channel":"default","question":"Go?","options":["Yes","yes"]}""", "must differ from each other" },
        { """{"channel":"default","question":"Go?","timeout_seconds":0}""", "timeout_seconds must be 1 to 86400" },
        { """{"channel":"default","question":"Go?","timeout_seconds":86401}""", "timeout_seconds must be 1 to 86400" },
        { """{"channel":"default","question":"Go?","format":"html"}""", "format must be text (the default) or markdownv2" },
        { """{"channel":"default","question":"Go?","key":""}""", "key must be 1 to 200 characters" },
        { """{"channel":"Not A Channel","question":"Go?"}""", "channel name is 1 to 40 characters" },
        { """{"channel":"default","question":"Go?","question":"again"}""", "" },
    };

    [Theory]
    [MemberData(nameof(BadAsks))]
    public async Task Bad_input_is_refused_with_what_to_change_and_asks_nothing(string body, string detail)
    {
        var sent = fixture.Telegram.Calls.Count;

        var (status, problem) = await SendAsync(HttpMethod.Post, "/api/relay/questions", body);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains(detail, (string?)problem["detail"] ?? string.Empty, StringComparison.Ordinal);
        Assert.Equal(sent, fixture.Telegram.Calls.Count);
    }

    [Fact]
    public async Task A_chat_the_channel_may_not_write_to_is_refused_and_without_a_chat_the_channel_needs_a_notification_chat()
    {
        var sent = fixture.Telegram.Calls.Count;

        var (forbidden, problem) = await AskAsync(424242, "Deploy?");
        var (noChat, noChatProblem) = await SendAsync(HttpMethod.Post, "/api/relay/questions", new { channel = "default", question = "Deploy?" });

        Assert.Equal(HttpStatusCode.Forbidden, forbidden);
        Assert.Contains("not an allowed chat of channel 'default'", (string?)problem["detail"], StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, noChat);
        Assert.Contains("no notification chat for channel 'default'", (string?)noChatProblem["detail"], StringComparison.Ordinal);
        Assert.Equal(sent, fixture.Telegram.Calls.Count);
    }

    [Fact]
    public async Task The_same_question_asked_again_is_the_same_question_and_is_sent_once()
    {
        var owner = await PairedAsync();

        var (first, asked) = await AskAsync(owner, "Roll back?", ["Yes", "No"]);
        var (again, repeated) = await AskAsync(owner, "Roll back?", ["Yes", "No"], timeout: 60);
        var (byKey, keyed) = await AskAsync(owner, "Roll back now?", ["Yes", "No"], key: "rollback-1");
        var (sameKey, keyedAgain) = await AskAsync(owner, "Different words, same key", key: "rollback-1");

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), (first, again));
        Assert.Equal("waiting", (string?)asked["state"]);
        Assert.Equal(600, (int)asked["timeout_seconds"]!);
        Assert.Equal(600, (int)asked["seconds_left"]!);
        Assert.Equal((string?)asked["id"], (string?)repeated["id"]);
        Assert.Equal(600, (int)repeated["timeout_seconds"]!);
        Assert.Single(SentTo(owner));
        // A new key is a new question, and the chat still holds the first one.
        Assert.Equal(HttpStatusCode.Conflict, byKey);
        Assert.Equal(HttpStatusCode.Conflict, sameKey);
        Assert.Contains("Roll back?", (string?)keyed["detail"], StringComparison.Ordinal);
        Assert.Contains("Roll back?", (string?)keyedAgain["detail"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_busy_chat_refuses_a_second_question_until_the_first_is_answered()
    {
        var owner = await PairedAsync();
        var (_, first) = await AskAsync(owner, "Ship 2.4 today?", ["Yes", "No"]);

        var (busy, problem) = await AskAsync(owner, "Also bump the version?");
        Assert.Equal(HttpStatusCode.Conflict, busy);
        Assert.Contains($"Chat {owner} already has a question waiting for an answer: \"Ship 2.4 today?\" (question {(string?)first["id"]}, closes in 10 minutes).", (string?)problem["detail"], StringComparison.Ordinal);
        Assert.Contains("One question per chat is open at a time", (string?)problem["detail"], StringComparison.Ordinal);

        await TapAsync(owner, (string)first["id"]!, 0, $"cb-{owner}");
        var (free, second) = await AskAsync(owner, "Also bump the version?");

        Assert.Equal(HttpStatusCode.OK, free);
        Assert.NotEqual((string?)first["id"], (string?)second["id"]);
        Assert.Equal(2, SentTo(owner).Count);
    }

    [Fact]
    public async Task A_busy_chat_does_not_reveal_another_channels_question()
    {
        var shared = Interlocked.Increment(ref _nextUser);
        await Access.AllowAsync(Id(shared), Id(shared), "team-a", default);
        await Access.AllowAsync(Id(shared), Id(shared), "team-b", default);
        var (_, theirs) = await AskAsync(shared, "Team B's secret release plan?", channel: "team-b");

        var (busy, problem) = await AskAsync(shared, "Team A asks", channel: "team-a", token: TeamAToken);
        var (lookup, _) = await GetAsync((string)theirs["id"]!, "team-a", TeamAToken);
        var (elsewhere, _) = await GetAsync((string)theirs["id"]!, "team-a");

        Assert.Equal(HttpStatusCode.Conflict, busy);
        Assert.Contains("a question of another session", (string?)problem["detail"], StringComparison.Ordinal);
        Assert.DoesNotContain("secret", (string?)problem["detail"], StringComparison.Ordinal);
        Assert.DoesNotContain((string)theirs["id"]!, (string?)problem["detail"], StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, lookup);
        Assert.Equal(HttpStatusCode.NotFound, elsewhere);
    }

    [Fact]
    public async Task Reading_a_question_past_its_time_closes_it_and_replaces_its_buttons()
    {
        var owner = await PairedAsync();
        var (_, asked) = await AskAsync(owner, "Restart the database?", ["Restart", "Leave it"], timeout: 120);
        var id = (string)asked["id"]!;

        fixture.Clock.Advance(TimeSpan.FromSeconds(50));
        var (_, running) = await GetAsync(id);
        Assert.Equal(("waiting", 70), ((string?)running["state"], (int)running["seconds_left"]!));
        Assert.Empty(SentTo(owner, "editMessageText"));

        fixture.Clock.Advance(TimeSpan.FromSeconds(70));
        var (_, closed) = await GetAsync(id);
        var (_, again) = await GetAsync(id);

        Assert.Equal(("expired", 0), ((string?)closed["state"], (int)closed["seconds_left"]!));
        Assert.Equal("expired", (string?)again["state"]);
        var edit = Assert.Single(SentTo(owner, "editMessageText"));
        Assert.Contains("⌛ No answer within 2 minutes; Claude was told so.", (string)edit["text"]!, StringComparison.Ordinal);
        Assert.Contains("Restart the database?", (string)edit["text"]!, StringComparison.Ordinal);
        Assert.Null(edit["reply_markup"]);

        // An expired question is not repeated: the same ask is a new question in a chat that is free again.
        var (status, fresh) = await AskAsync(owner, "Restart the database?", ["Restart", "Leave it"], timeout: 120);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.NotEqual(id, (string?)fresh["id"]);
    }

    [Fact]
    public async Task Withdrawing_a_waiting_question_closes_it_replaces_its_buttons_and_frees_the_chat_and_an_answered_one_stays_answered()
    {
        var owner = await PairedAsync();
        var (_, asked) = await AskAsync(owner, "Purge the CDN cache?", ["Purge", "Not now"]);
        var id = (string)asked["id"]!;

        var (status, withdrawn) = await SendAsync(HttpMethod.Delete, $"/api/relay/questions/{id}?channel=default");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("withdrawn", (string?)withdrawn["state"]);
        var edit = Assert.Single(SentTo(owner, "editMessageText"));
        Assert.Contains("Withdrawn: Claude no longer waits for an answer.", (string)edit["text"]!, StringComparison.Ordinal);
        Assert.Null(edit["reply_markup"]);
        await TapAsync(owner, id, 0, $"cb-late-{owner}");
        Assert.StartsWith("This question was withdrawn", CallbackAnswer($"cb-late-{owner}"), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await AskAsync(owner, "Purge it tonight?", ["Yes", "No"])).Status);

        // Another channel's token learns nothing, and an answered question is not taken back.
        var (foreign, _) = await SendAsync(HttpMethod.Delete, $"/api/relay/questions/{id}?channel=team-a", token: TeamAToken);
        Assert.Equal(HttpStatusCode.NotFound, foreign);
        var second = await PairedAsync();
        var (_, other) = await AskAsync(second, "Scale out?", ["Yes", "No"]);
        await TapAsync(second, (string)other["id"]!, 0, $"cb-{second}");
        var (_, kept) = await SendAsync(HttpMethod.Delete, $"/api/relay/questions/{(string)other["id"]!}?channel=default");
        Assert.Equal("answered", (string?)kept["state"]);
    }

    [Fact]
    public async Task An_answer_goes_to_the_channels_queue_as_an_answer_event_and_stays_with_the_question()
    {
        var owner = await PairedAsync("team-a");
        var (_, asked) = await AskAsync(owner, "Which region?", ["westeurope", "eastus"], channel: "team-a", token: TeamAToken);
        var id = (string)asked["id"]!;
        var before = Inbox.Count("team-a");

        await TapAsync(owner, id, 1, $"cb-{owner}");

        Assert.StartsWith("✅ Sent to Claude: eastus", CallbackAnswer($"cb-{owner}"), StringComparison.Ordinal);
        Assert.Equal(before + 1, Inbox.Count("team-a"));
        var stored = (await Inbox.ReceiveAsync("team-a", 100, TimeSpan.FromSeconds(1), default)).Items.Select(i => i.Event).Single(e => e.EventType == "answer");
        // The identity is the Telegram user id; the username, which they can change, only travels beside it.
        Assert.Equal(($"questions/{id}", "allowlisted", "telegram", $"{owner}", $"user{owner}"), (stored.Subject, stored.Trust, stored.Kind, stored.User, stored.UserName));
        Assert.Equal("eastus", (string?)stored.Data!["answer"]);
        var (_, answered) = await GetAsync(id, "team-a", TeamAToken);
        Assert.Equal(("answered", "eastus", 1, $"{owner} (user{owner})", "telegram"), ((string?)answered["state"], (string?)answered["answer"], (int?)answered["option"], (string?)answered["answered_by"], (string?)answered["via"]));
    }

    [Fact]
    public async Task An_answered_question_is_returned_for_an_hour_and_asked_afresh_after()
    {
        var owner = await PairedAsync();
        var (_, asked) = await AskAsync(owner, "Cut the release?", ["Cut", "Hold"]);
        await TapAsync(owner, (string)asked["id"]!, 0, $"cb-{owner}");

        fixture.Clock.Advance(TimeSpan.FromMinutes(59));
        var (_, within) = await AskAsync(owner, "Cut the release?", ["Cut", "Hold"]);
        fixture.Clock.Advance(TimeSpan.FromMinutes(2));
        var (_, after) = await AskAsync(owner, "Cut the release?", ["Cut", "Hold"]);

        Assert.Equal(((string?)asked["id"], "answered", "Cut"), ((string?)within["id"], (string?)within["state"], (string?)within["answer"]));
        Assert.NotEqual((string?)asked["id"], (string?)after["id"]);
        Assert.Equal("waiting", (string?)after["state"]);
        Assert.Equal(2, SentTo(owner).Count);
    }

    [Fact]
    public async Task Someone_not_allowed_on_the_questions_channel_cannot_answer_it_and_learns_nothing()
    {
        var owner = await PairedAsync("team-a");
        var other = await PairedAsync("team-b");
        var (_, asked) = await AskAsync(owner, "Delete the staging database?", ["Delete", "Keep"], channel: "team-a", token: TeamAToken);
        var id = (string)asked["id"]!;

        await TapAsync(other, id, 0, $"cb-{other}");
        await TapAsync(999_999, id, 0, "cb-stranger");
        await TapAsync(owner, "0123456789abcdef0123456789abcdef", 0, $"cb-{owner}-unknown");

        Assert.Equal("You are not allowed to answer this.", CallbackAnswer($"cb-{other}"));
        Assert.Equal("You are not allowed to answer this.", CallbackAnswer("cb-stranger"));
        Assert.Equal("You are not allowed to answer this.", CallbackAnswer($"cb-{owner}-unknown"));
        var (_, still) = await GetAsync(id, "team-a", TeamAToken);
        Assert.Equal("waiting", (string?)still["state"]);
        Assert.Empty(SentTo(owner, "editMessageText"));
    }

    [Fact]
    public async Task An_option_the_question_does_not_have_changes_nothing()
    {
        var owner = await PairedAsync();
        var (_, asked) = await AskAsync(owner, "Pick a port?", ["8080", "8443"]);

        await TapAsync(owner, (string)asked["id"]!, 7, $"cb-{owner}");

        Assert.Equal("That option does not exist.", CallbackAnswer($"cb-{owner}"));
        Assert.Equal("waiting", (string?)(await GetAsync((string)asked["id"]!)).Body["state"]);
    }

    [Fact]
    public async Task In_a_group_a_reply_to_the_question_answers_it_and_other_messages_do_not()
    {
        var member = await PairedAsync();
        var (_, asked) = await AskAsync(Group, "Who takes the on-call shift?");
        var id = (string)asked["id"]!;
        var question = await fixture.App.Services.GetRequiredService<Serverless.Functions.Questions.IQuestionStore>().GetAsync(id, default);
        var messageId = long.Parse(question!.Messages.Single().MessageId, CultureInfo.InvariantCulture);

        await MessageAsync(member, Group, "@claude_bot unrelated remark", "supergroup");
        await MessageAsync(999_999, Group, "I will, says a stranger", "supergroup", replyTo: messageId);
        Assert.Equal("waiting", (string?)(await GetAsync(id)).Body["state"]);

        await MessageAsync(member, Group, "I take it", "supergroup", replyTo: messageId);

        var (_, answered) = await GetAsync(id);
        Assert.Equal(("answered", "I take it", (string?)null), ((string?)answered["state"], (string?)answered["answer"], (string?)answered["option"]));
        Assert.Equal(member.ToString(CultureInfo.InvariantCulture), (string?)answered["answered_by"]);
    }

    [Fact]
    public async Task A_markdownv2_question_escapes_the_bots_own_words_and_goes_as_plain_text_when_Telegram_refuses_it()
    {
        var owner = await PairedAsync();
        var (_, formatted) = await AskAsync(owner, "*Deploy* to prod\\?", ["Yes", "No"], format: "markdownv2");
        await TapAsync(owner, (string)formatted["id"]!, 0, $"cb-{owner}");

        var sent = SentTo(owner)[^1];
        Assert.Equal("MarkdownV2", (string?)sent["parse_mode"]);
        Assert.StartsWith("❓ Claude asks \\(channel 'default'\\):\n\n*Deploy* to prod\\?\n\nTap an answer, or reply with your own\\. Closes in 10 minutes\\.", (string)sent["text"]!, StringComparison.Ordinal);
        Assert.Null(formatted["formatting_dropped"]);
        var edit = SentTo(owner, "editMessageText")[^1];
        Assert.Equal("MarkdownV2", (string?)edit["parse_mode"]);
        Assert.EndsWith($"✅ {owner} (user{owner}) answered: Yes", ((string)edit["text"]!).Replace("\\", string.Empty, StringComparison.Ordinal), StringComparison.Ordinal);

        var (_, refused) = await AskAsync(owner, "Deploy to prod now.", format: "markdownv2");

        var attempts = SentTo(owner).TakeLast(2).ToList();
        Assert.Equal(["MarkdownV2", null], attempts.Select(a => (string?)a["parse_mode"]));
        Assert.StartsWith("❓ Claude asks (channel 'default'):\n\nDeploy to prod now.\n\nReply with your answer.", (string)attempts[1]["text"]!, StringComparison.Ordinal);
        Assert.True((bool?)refused["formatting_dropped"]);
    }

    [Fact]
    public async Task A_question_Telegram_refuses_fails_clearly_and_leaves_the_chat_free()
    {
        var owner = await PairedAsync();
        fixture.Telegram.Block(owner);

        var (status, problem) = await AskAsync(owner, "Anyone there?");

        Assert.Equal(HttpStatusCode.BadGateway, status);
        Assert.Contains("The question could not be sent: Telegram sendMessage failed: 403", (string?)problem["detail"], StringComparison.Ordinal);
        Assert.Null(await fixture.App.Services.GetRequiredService<Serverless.Functions.Questions.IQuestionStore>().WaitingInChatAsync("telegram", owner.ToString(CultureInfo.InvariantCulture), default));
    }

    [Theory]
    [InlineData("/api/relay/questions/not-an-id?channel=default", HttpStatusCode.BadRequest, "32 hex digits")]
    [InlineData("/api/relay/questions/0123456789abcdef0123456789abcdef?channel=default", HttpStatusCode.NotFound, "No question")]
    [InlineData("/api/relay/questions/0123456789abcdef0123456789abcdef", HttpStatusCode.BadRequest, "?channel=")]
    public async Task Reading_a_question_needs_a_valid_id_and_channel(string path, HttpStatusCode expected, string detail)
    {
        var (status, problem) = await SendAsync(HttpMethod.Get, path);

        Assert.Equal(expected, status);
        Assert.Contains(detail, (string?)problem["detail"], StringComparison.Ordinal);
    }
}
