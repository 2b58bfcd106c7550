using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using ModelContextProtocol.Protocol;
using Serverless.Functions.Inbox;
using Serverless.Testing;

namespace Serverless.EndToEnd.Tests;

/// <summary>Telegram end to end: a fake Bot API, the function app, and the relay as Claude Code runs it.</summary>
public sealed partial class TelegramTests : IAsyncLifetime
{
    private const string BotToken = "123456:TEST-bot-token";
    private const string Secret = "telegram-secret-token-0123";
    private const long Owner = 111;
    private readonly ManualTimeProvider _clock = new();
    private const string RelayToken = "telegram-tests-relay-token";
    private FakeTelegramBotApi _telegram = null!;
    private RunningFunctionsApp _app = null!;
    private HttpClient _http = null!;
    private int _updateId = 1;

    public async Task InitializeAsync()
    {
        _telegram = await FakeTelegramBotApi.StartAsync(BotToken);
        _app = await RunningFunctionsApp.StartAsync(
            new Dictionary<string, string?>
            {
                ["Telegram:BotToken"] = BotToken,
                ["Telegram:SecretToken"] = Secret,
                // With a bot configured the public development relay token is refused, even locally.
                ["Relay:Tokens:0:Secret"] = RelayToken,
                ["Relay:Tokens:0:Channels"] = "default",
                ["Telegram:ApiBaseUrl"] = _telegram.BaseUrl.ToString(),
                ["Telegram:AllowedUsers:0"] = Owner.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["Telegram:BotUsername"] = "claude_bot",
                ["Telegram:AllowedGroups:0"] = "-100123",
                ["Telegram:NotificationChats:default"] = "555",
            },
            services => services.AddSingleton<TimeProvider>(_clock));
        _http = _app.CreateClient();
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _app.DisposeAsync();
        await _telegram.DisposeAsync();
    }

    private EmbeddedEventInbox Inbox => _app.Services.GetRequiredService<EmbeddedEventInbox>();

    private async Task<HttpResponseMessage> PostUpdateAsync(JsonObject update, string? secret = Secret)
    {
        update["update_id"] = Interlocked.Increment(ref _updateId);
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/api/telegram", UriKind.Relative)) { Content = JsonContent.Create(update) };
        if (secret is not null)
        {
            request.Headers.Add("X-Telegram-Bot-Api-Secret-Token", secret);
        }

        return await _http.SendAsync(request);
    }

    private static JsonObject Message(long from, string text, long messageId = 10, string? username = null) => new()
    {
        ["message"] = new JsonObject
        {
            ["message_id"] = messageId,
            ["from"] = new JsonObject { ["id"] = from, ["is_bot"] = false, ["first_name"] = "Ann <script>", ["username"] = username },
            ["chat"] = new JsonObject { ["id"] = from, ["type"] = "private" },
            ["date"] = 1764032400,
            ["text"] = text,
        },
    };

    private static JsonObject Callback(long from, string data) => new()
    {
        ["callback_query"] = new JsonObject
        {
            ["id"] = $"cb-{from}-{data}",
            ["from"] = new JsonObject { ["id"] = from, ["is_bot"] = false, ["first_name"] = "X" },
            ["data"] = data,
            ["message"] = new JsonObject { ["message_id"] = 5, ["chat"] = new JsonObject { ["id"] = from, ["type"] = "private" } },
        },
    };

    private Task<(int ExitCode, string Stdout, string Stderr)> RelayPairAsync(string code) =>
        RelayProcess.RunCommandWithTokenAsync(RelayToken, _app.BaseUrl, "default", "pair", code);

    private string CodeSentTo(long chat) =>
        PairCommand().Match((string)_telegram.Sent().Last(m => (long)m["chat_id"]! == chat)["text"]!).Groups[1].Value;

    private static string Text(CallToolResult result) =>
        string.Join('\n', result.Content.OfType<TextContentBlock>().Select(c => c.Text));

    [Fact]
    public async Task A_message_reaches_the_session_and_the_reply_reaches_the_chat()
    {
        await using var relay = await RelayProcess.StartAsync(_app.BaseUrl, "default", RelayToken);
        await WebhookToChannelTests.WaitUntilConnectedAsync(relay);

        using var response = await PostUpdateAsync(Message(Owner, "the deploy failed, look at it", 42, "owner"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(await RelayProcess.EventuallyAsync(() => relay.Notifications.Count == 1, TimeSpan.FromSeconds(30)), relay.Stderr);
        var notification = relay.Notifications.Single();
        var meta = notification["meta"]!;
        Assert.Equal("the deploy failed, look at it", (string?)notification["content"]);
        Assert.Equal("111", (string?)meta["chat_id"]);
        Assert.Equal("42", (string?)meta["message_id"]);
        // The numeric id is the identity; the username, which its owner can change, travels beside it.
        Assert.Equal(("111", "owner"), ((string?)meta["user"], (string?)meta["user_name"]));
        Assert.Equal("telegram", (string?)meta["kind"]);
        Assert.Equal("allowlisted", (string?)meta["trust"]);

        var result = await relay.Client.CallToolAsync("reply", new Dictionary<string, object?> { ["chat_id"] = "111", ["text"] = "On it.", ["reply_to"] = 42 });

        Assert.NotEqual(true, result.IsError);
        var sent = _telegram.Sent()[^1];
        Assert.Equal(Owner, (long)sent["chat_id"]!);
        Assert.Equal("On it.", (string?)sent["text"]);
        Assert.Equal(42, (long)sent["reply_parameters"]!["message_id"]!);
        Assert.Null(sent["parse_mode"]);
    }

    [Fact]
    public async Task A_private_message_shown_in_the_session_gets_a_receipt_and_a_group_message_does_not()
    {
        await using var relay = await RelayProcess.StartAsync(_app.BaseUrl, "default", RelayToken);
        await WebhookToChannelTests.WaitUntilConnectedAsync(relay);

        using (var response = await PostUpdateAsync(Message(Owner, "is the deploy done?", 77)))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        Assert.True(await RelayProcess.EventuallyAsync(() => _telegram.Sent("setMessageReaction").Count == 1, TimeSpan.FromSeconds(30)), relay.Stderr);
        var receipt = _telegram.Sent("setMessageReaction").Single();
        Assert.Equal((Owner, 77L, "👀"), ((long)receipt["chat_id"]!, (long)receipt["message_id"]!, (string?)receipt["reaction"]![0]!["emoji"]));

        // In a group (off by default there) the message is shown and nobody gets a reaction.
        var group = new JsonObject
        {
            ["message"] = new JsonObject
            {
                ["message_id"] = 78,
                ["from"] = new JsonObject { ["id"] = Owner, ["is_bot"] = false, ["first_name"] = "M" },
                ["chat"] = new JsonObject { ["id"] = -100123, ["type"] = "supergroup" },
                ["text"] = "@claude_bot and the group?",
            },
        };
        using (var response = await PostUpdateAsync(group))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        // A marker after it: a private message, which gets a receipt once shown. The group message was shown
        // before it, so once the marker's receipt is in, a receipt for the group message would be too.
        using (var response = await PostUpdateAsync(Message(Owner, "marker", 79)))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        Assert.True(await RelayProcess.EventuallyAsync(() => _telegram.Sent("setMessageReaction").Any(r => (long)r["message_id"]! == 79), TimeSpan.FromSeconds(30)), relay.Stderr);
        Assert.Equal(3, relay.Notifications.Count);
        Assert.Equal([77L, 79L], _telegram.Sent("setMessageReaction").Select(r => (long)r["message_id"]!));
    }

    [Fact]
    public async Task A_long_reply_arrives_as_ordered_parts_and_a_429_is_waited_out()
    {
        await using var relay = await RelayProcess.StartAsync(_app.BaseUrl, "default", RelayToken);
        var paragraphs = Enumerable.Range(0, 30).Select(i => $"Paragraph {i:00}: " + new string((char)('a' + (i % 26)), 280)).ToList();
        var text = string.Join("\n\n", paragraphs);
        Assert.InRange(text.Length, 8500, 9500);
        _telegram.RateLimit("sendMessage", 1);

        var result = await relay.Client.CallToolAsync("reply", new Dictionary<string, object?> { ["chat_id"] = "111", ["text"] = text });

        Assert.NotEqual(true, result.IsError);
        var calls = _telegram.Sent();
        Assert.Equal(4, calls.Count);
        Assert.Equal(calls[0].ToJsonString(), calls[1].ToJsonString());
        var parts = calls.Skip(1).Select(c => (string)c["text"]!).ToList();
        Assert.Equal(3, parts.Count);
        Assert.All(parts, p => Assert.InRange(p.Length, 1, 4096));
        Assert.Equal(text, string.Join("\n\n", parts));
        var reported = MessageIds().Match(Text(result));
        Assert.True(reported.Success, Text(result));
        Assert.Equal(3, reported.Groups[1].Value.Split(", ").Length);
    }

    [Fact]
    public async Task The_reply_tool_refuses_a_chat_that_is_not_paired()
    {
        await using var relay = await RelayProcess.StartAsync(_app.BaseUrl, "default", RelayToken);

        var result = await relay.Client.CallToolAsync("reply", new Dictionary<string, object?> { ["chat_id"] = "999", ["text"] = "hello" });

        Assert.True(result.IsError);
        Assert.Contains("not an allowed chat", Text(result), StringComparison.Ordinal);
        Assert.Empty(_telegram.Sent());
    }

    [Fact]
    public async Task A_wrong_secret_token_is_401_and_stores_nothing()
    {
        using var response = await PostUpdateAsync(Message(Owner, "hello"), secret: "not-the-secret-token-at-all");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(0, Inbox.Count("default"));
        Assert.Empty(_telegram.Calls);
    }

    [Fact]
    public async Task An_update_without_the_secret_token_header_is_401_and_stores_nothing()
    {
        using var response = await PostUpdateAsync(Message(Owner, "hello"), secret: null);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(0, Inbox.Count("default"));
        Assert.Empty(_telegram.Calls);
    }

    [Fact]
    public async Task A_stranger_gets_a_code_and_reaches_the_session_only_after_relay_pair()
    {
        using (var first = await PostUpdateAsync(Message(222, "hi, can you help?")))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        }

        Assert.Equal(0, Inbox.Count("default"));
        var code = CodeSentTo(222);
        Assert.Matches("^[A-Z2-9]{6}$", code);

        var (exit, stdout, stderr) = await RelayPairAsync(code);

        Assert.True(exit == 0, stderr);
        Assert.Contains("Paired Telegram user 222", stdout, StringComparison.Ordinal);
        Assert.Contains("Paired", (string)_telegram.Sent()[^1]["text"]!, StringComparison.Ordinal);
        using (var after = await PostUpdateAsync(Message(222, "now it works", 11)))
        {
            Assert.Equal(HttpStatusCode.OK, after.StatusCode);
        }

        Assert.Equal(1, Inbox.Count("default"));
        var again = await RelayPairAsync(code);
        Assert.Equal(1, again.ExitCode);
        Assert.Contains("unknown or has expired", again.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_wrong_or_expired_code_fails_clearly()
    {
        using (await PostUpdateAsync(Message(333, "hello")))
        {
        }

        var code = CodeSentTo(333);
        var wrong = await RelayPairAsync("ZZZZZZ");
        Assert.Equal(1, wrong.ExitCode);
        Assert.Contains("'ZZZZZZ' is unknown or has expired", wrong.Stderr, StringComparison.Ordinal);

        _clock.Advance(TimeSpan.FromMinutes(61));
        var expired = await RelayPairAsync(code);

        Assert.Equal(1, expired.ExitCode);
        Assert.Contains("unknown or has expired", expired.Stderr, StringComparison.Ordinal);
        using (await PostUpdateAsync(Message(333, "still me")))
        {
        }

        Assert.Equal(0, Inbox.Count("default"));
    }

    [Fact]
    public async Task A_sender_gets_at_most_two_answers_and_a_fourth_pending_sender_gets_silence()
    {
        for (var i = 0; i < 3; i++)
        {
            using (await PostUpdateAsync(Message(401, $"message {i}", 20 + i)))
            {
            }
        }

        Assert.Equal(2, _telegram.Sent().Count(m => (long)m["chat_id"]! == 401));
        foreach (var stranger in new long[] { 402, 403 })
        {
            using (await PostUpdateAsync(Message(stranger, "hello")))
            {
            }
        }

        using (await PostUpdateAsync(Message(404, "hello")))
        {
        }

        Assert.Single(_telegram.Sent(), m => (long)m["chat_id"]! == 402);
        Assert.Single(_telegram.Sent(), m => (long)m["chat_id"]! == 403);
        Assert.DoesNotContain(_telegram.Sent(), m => (long)m["chat_id"]! == 404);
        Assert.Equal(0, Inbox.Count("default"));
    }

    [Fact]
    public async Task A_permission_request_is_answered_from_the_phone_once_and_only_by_an_allowed_user()
    {
        await using var relay = await RelayProcess.StartAsync(_app.BaseUrl, "default", RelayToken);
        await WebhookToChannelTests.WaitUntilConnectedAsync(relay);
        Assert.True(relay.Client.ServerCapabilities.Experimental!.ContainsKey("claude/channel/permission"));

        await relay.Client.SendNotificationAsync("notifications/claude/channel/permission_request", new JsonObject
        {
            ["request_id"] = "abcde",
            ["tool_name"] = "Bash",
            ["description"] = "Run the test suite",
            ["input_preview"] = "dotnet test",
        });

        Assert.True(await RelayProcess.EventuallyAsync(() => _telegram.Sent().Any(m => ((string?)m["text"])?.Contains("Bash", StringComparison.Ordinal) == true), TimeSpan.FromSeconds(30)), relay.Stderr);
        var ask = _telegram.Sent().Single(m => ((string?)m["text"])!.Contains("Bash", StringComparison.Ordinal));
        Assert.Equal(Owner, (long)ask["chat_id"]!);
        var buttons = ask["reply_markup"]!["inline_keyboard"]!.AsArray().SelectMany(row => row!.AsArray()).Select(b => (string)b!["callback_data"]!).ToList();
        Assert.Equal(["perm:more:abcde", "perm:allow:abcde", "perm:deny:abcde"], buttons);

        using (await PostUpdateAsync(Callback(999, "perm:allow:abcde")))
        {
        }

        // The update is handled before its webhook call returns: had the stranger's answer counted, the
        // request would have an outcome now.
        var request = await _app.Services.GetRequiredService<Serverless.Functions.Chat.Permissions.IPermissionStore>().GetAsync("abcde", default);
        Assert.Null(request!.Outcome);
        Assert.Empty(relay.PermissionAnswers);
        Assert.Contains("not allowed", (string)_telegram.Sent("answerCallbackQuery")[^1]["text"]!, StringComparison.Ordinal);

        using (await PostUpdateAsync(Callback(Owner, "perm:allow:abcde")))
        {
        }

        Assert.True(await RelayProcess.EventuallyAsync(() => relay.PermissionAnswers.Count == 1, TimeSpan.FromSeconds(30)), relay.Stderr);
        var answer = relay.PermissionAnswers.Single();
        Assert.Equal("abcde", (string?)answer["request_id"]);
        Assert.Equal("allow", (string?)answer["behavior"]);
        var edit = _telegram.Sent("editMessageText").Single();
        Assert.Contains("Allowed", (string)edit["text"]!, StringComparison.Ordinal);
        Assert.Null(edit["reply_markup"]);

        Assert.True(await RelayProcess.EventuallyAsync(() => Inbox.Count("default") == 0, TimeSpan.FromSeconds(30)), relay.Stderr);
        using (await PostUpdateAsync(Message(Owner, "no abcde", 77)))
        {
        }

        Assert.Equal(0, Inbox.Count("default"));
        Assert.Single(relay.PermissionAnswers);
        Assert.Contains("already answered", (string)_telegram.Sent()[^1]["text"]!, StringComparison.Ordinal);
        Assert.Empty(relay.Notifications);
    }

    [Fact]
    public async Task A_text_answer_denies_a_request()
    {
        await using var relay = await RelayProcess.StartAsync(_app.BaseUrl, "default", RelayToken);
        await WebhookToChannelTests.WaitUntilConnectedAsync(relay);
        await relay.Client.SendNotificationAsync("notifications/claude/channel/permission_request", new JsonObject
        {
            ["request_id"] = "qwert",
            ["tool_name"] = "Write",
            ["description"] = "Edit README.md",
            ["input_preview"] = "...",
        });
        Assert.True(await RelayProcess.EventuallyAsync(() => _telegram.Sent().Count > 0, TimeSpan.FromSeconds(30)), relay.Stderr);

        using (await PostUpdateAsync(Message(Owner, "No QWERT", 78)))
        {
        }

        Assert.True(await RelayProcess.EventuallyAsync(() => relay.PermissionAnswers.Count == 1, TimeSpan.FromSeconds(30)), relay.Stderr);
        Assert.Equal("deny", (string?)relay.PermissionAnswers.Single()["behavior"]);
    }

    [Fact]
    public async Task A_message_reaches_the_inbox_whole_with_its_line_breaks_and_attachment()
    {
        var text = string.Join('\n', Enumerable.Range(0, 12).Select(i => $"line {i}: " + new string('m', 40)));
        var update = Message(Owner, text, 50);
        update["message"]!["document"] = new JsonObject { ["file_id"] = "DOC1", ["file_name"] = "trace.log", ["mime_type"] = "text/plain" };

        using (await PostUpdateAsync(update))
        {
        }

        var stored = Assert.Single((await Inbox.ReceiveAsync("default", 10, TimeSpan.FromMinutes(1), default)).Items).Event;
        Assert.Equal($"{text}\n[document attached: trace.log (text/plain), file_id DOC1]", stored.Summary);
    }

    [Fact]
    public async Task A_chat_switches_channel_with_a_command()
    {
        using (await PostUpdateAsync(Message(Owner, "/channel ops", 30)))
        {
        }

        Assert.Contains("channel 'ops'", (string)_telegram.Sent()[^1]["text"]!, StringComparison.Ordinal);
        using (await PostUpdateAsync(Message(Owner, "for ops", 31)))
        {
        }

        Assert.Equal(1, Inbox.Count("ops"));
        Assert.Equal(0, Inbox.Count("default"));
    }

    [Fact]
    public async Task In_an_allowed_group_only_allowed_members_who_mention_the_bot_get_through()
    {
        static JsonObject GroupMessage(long group, long from, string text, long id) => new()
        {
            ["message"] = new JsonObject
            {
                ["message_id"] = id,
                ["from"] = new JsonObject { ["id"] = from, ["is_bot"] = false, ["first_name"] = "M" },
                ["chat"] = new JsonObject { ["id"] = group, ["type"] = "supergroup" },
                ["text"] = text,
            },
        };

        foreach (var update in new[]
        {
            GroupMessage(-100123, Owner, "no mention here", 1),
            GroupMessage(-100123, 999, "@claude_bot from a stranger", 2),
            GroupMessage(-100999, Owner, "@claude_bot in a group that is not allowed", 3),
            GroupMessage(-100123, Owner, "@claude_bot please look at the build", 4),
        })
        {
            using var response = await PostUpdateAsync(update);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        var stored = Assert.Single((await Inbox.ReceiveAsync("default", 10, TimeSpan.FromMinutes(1), default)).Items).Event;
        Assert.Equal("-100123", stored.ChatId);
        Assert.Contains("please look at the build", stored.Summary, StringComparison.Ordinal);
        Assert.Empty(_telegram.Sent());
    }

    [Fact]
    public async Task A_reply_without_chat_id_goes_to_the_channels_notification_chat()
    {
        await using var relay = await RelayProcess.StartAsync(_app.BaseUrl, "default", RelayToken);

        var result = await relay.Client.CallToolAsync("reply", new Dictionary<string, object?> { ["text"] = "*CI* is green again\\.", ["format"] = "markdownv2" });

        Assert.NotEqual(true, result.IsError);
        var sent = Assert.Single(_telegram.Sent());
        Assert.Equal(555, (long)sent["chat_id"]!);
        Assert.Equal("MarkdownV2", (string?)sent["parse_mode"]);
        Assert.DoesNotContain("plain text", Text(result), StringComparison.Ordinal);
    }

    [Fact]
    public async Task MarkdownV2_that_Telegram_refuses_is_sent_again_as_plain_text_and_the_tool_says_so()
    {
        await using var relay = await RelayProcess.StartAsync(_app.BaseUrl, "default", RelayToken);

        var result = await relay.Client.CallToolAsync("reply", new Dictionary<string, object?> { ["text"] = "CI is green again.", ["format"] = "markdownv2" });

        Assert.NotEqual(true, result.IsError);
        var attempts = _telegram.Sent();
        Assert.Equal(2, attempts.Count);
        Assert.Equal("MarkdownV2", (string?)attempts[0]["parse_mode"]);
        Assert.Null(attempts[1]["parse_mode"]);
        Assert.Equal("CI is green again.", (string?)attempts[1]["text"]);
        Assert.Contains("went as plain text", Text(result), StringComparison.Ordinal);
    }

    [Fact]
    public async Task React_and_edit_message_reach_Telegram_and_its_refusals_come_back_as_tool_errors()
    {
        await using var relay = await RelayProcess.StartAsync(_app.BaseUrl, "default", RelayToken);

        var react = await relay.Client.CallToolAsync("react", new Dictionary<string, object?> { ["chat_id"] = "111", ["message_id"] = 42, ["emoji"] = "👀" });
        Assert.NotEqual(true, react.IsError);
        var reaction = Assert.Single(_telegram.Sent("setMessageReaction"));
        Assert.Equal((111L, 42L, "👀"), ((long)reaction["chat_id"]!, (long)reaction["message_id"]!, (string?)reaction["reaction"]![0]!["emoji"]));

        var refused = await relay.Client.CallToolAsync("react", new Dictionary<string, object?> { ["chat_id"] = "111", ["message_id"] = 42, ["emoji"] = "🦆" });
        Assert.True(refused.IsError);
        Assert.Contains("REACTION_INVALID", Text(refused), StringComparison.Ordinal);

        var edit = await relay.Client.CallToolAsync("edit_message", new Dictionary<string, object?> { ["chat_id"] = "111", ["message_id"] = 1001, ["text"] = "Build 2 of 3 done" });
        Assert.NotEqual(true, edit.IsError);
        var edited = Assert.Single(_telegram.Sent("editMessageText"));
        Assert.Equal((1001L, "Build 2 of 3 done"), ((long)edited["message_id"]!, (string?)edited["text"]));

        var tooLong = await relay.Client.CallToolAsync("edit_message", new Dictionary<string, object?> { ["chat_id"] = "111", ["message_id"] = 1001, ["text"] = new string('x', 4097) });
        Assert.True(tooLong.IsError);
        Assert.Single(_telegram.Sent("editMessageText"));
    }

    [Fact]
    public async Task A_reply_to_a_chat_whose_user_blocked_the_bot_is_a_clear_tool_error()
    {
        _telegram.Block(Owner);
        await using var relay = await RelayProcess.StartAsync(_app.BaseUrl, "default", RelayToken);

        var result = await relay.Client.CallToolAsync("reply", new Dictionary<string, object?> { ["chat_id"] = "111", ["text"] = "anyone there?" });

        Assert.True(result.IsError);
        Assert.Contains("403", Text(result), StringComparison.Ordinal);
        Assert.Contains("can't initiate conversation", Text(result), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_same_update_delivered_twice_is_stored_once()
    {
        var update = Message(Owner, "only once", 61);
        update["update_id"] = 424242;
        var statuses = new List<string>();
        for (var i = 0; i < 2; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/api/telegram", UriKind.Relative)) { Content = JsonContent.Create(update) };
            request.Headers.Add("X-Telegram-Bot-Api-Secret-Token", Secret);
            using var response = await _http.SendAsync(request);
            statuses.Add(await response.Content.ReadAsStringAsync());
        }

        Assert.Contains("duplicate", statuses[1], StringComparison.Ordinal);
        Assert.Equal(1, Inbox.Count("default"));
    }

    [GeneratedRegex(@"as message\(s\) ([0-9]+(?:, [0-9]+)*)\.")]
    private static partial Regex MessageIds();

    [GeneratedRegex(@"relay pair ([A-Z2-9]{6})")]
    private static partial Regex PairCommand();
}
