using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using Serverless.Contracts;
using Serverless.Functions.Inbox;
using Serverless.Functions.Questions;
using Serverless.Testing;

namespace Serverless.EndToEnd.Tests;

/// <summary>
/// <c>ask_user</c> end to end: the real relay process driven by the MCP SDK's client, the function app, and
/// a fake Telegram Bot API on 127.0.0.1 that records the question and the edit that replaces its buttons.
/// Taps and replies are posted to the app's Telegram webhook as Telegram would post them.
/// </summary>
public sealed partial class AskUserTests : IAsyncLifetime
{
    private const string BotToken = "123456:ASK-bot-token";
    private const string Secret = "telegram-secret-token-0123";
    private const string RelayToken = "ask-user-tests-relay-token";
    private const long Owner = 111;
    private const long Stranger = 999;
    private FakeTelegramBotApi _telegram = null!;
    private RunningFunctionsApp _app = null!;
    private HttpClient _http = null!;
    private int _updateId = 1;

    public async Task InitializeAsync()
    {
        _telegram = await FakeTelegramBotApi.StartAsync(BotToken);
        _app = await RunningFunctionsApp.StartAsync(new Dictionary<string, string?>
        {
            ["Telegram:BotToken"] = BotToken,
            ["Telegram:SecretToken"] = Secret,
            ["Telegram:ApiBaseUrl"] = _telegram.BaseUrl.ToString(),
            ["Telegram:AllowedUsers:0"] = Owner.ToString(CultureInfo.InvariantCulture),
            ["Relay:Tokens:0:Secret"] = RelayToken,
            ["Relay:Tokens:0:Channels"] = "default",
        });
        _http = _app.CreateClient();
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _app.DisposeAsync();
        await _telegram.DisposeAsync();
    }

    private EmbeddedEventInbox Inbox => _app.Services.GetRequiredService<EmbeddedEventInbox>();

    private IQuestionStore Questions => _app.Services.GetRequiredService<IQuestionStore>();

    private static Dictionary<string, object?> Ask(string question, string[]? options = null, int? timeoutSeconds = null) => new()
    {
        ["question"] = question,
        ["options"] = options,
        ["chat_id"] = Owner.ToString(CultureInfo.InvariantCulture),
        ["timeout_seconds"] = timeoutSeconds,
    };

    /// <summary>The question as the fake Bot API got it, once the app has recorded the message that carries it.</summary>
    private async Task<Asked> QuestionSentAsync(string text, RelayProcess relay)
    {
        QuestionRecord? waiting = null;
        Assert.True(
            await RelayProcess.EventuallyAsync(
                () => (waiting = Questions.WaitingInChatAsync("telegram", Owner.ToString(CultureInfo.InvariantCulture), default).Result) is { Messages.Count: 1 },
                TimeSpan.FromSeconds(30)),
            relay.Stderr);
        var sent = _telegram.Sent().Single(m => ((string?)m["text"])!.Contains(text, StringComparison.Ordinal));
        return new Asked(sent, waiting!.Id, long.Parse(waiting.Messages[0].MessageId, CultureInfo.InvariantCulture));
    }

    private sealed record Asked(JsonObject Sent, string Id, long MessageId)
    {
        public List<(string Text, string Data)> Buttons => Sent["reply_markup"] is null ? [] : AskUserTests.Buttons(Sent);
    }

    private static List<(string Text, string Data)> Buttons(JsonObject message) =>
        [.. message["reply_markup"]!["inline_keyboard"]!.AsArray().SelectMany(row => row!.AsArray()).Select(b => ((string)b!["text"]!, (string)b["callback_data"]!))];

    private async Task PostUpdateAsync(JsonObject update)
    {
        update["update_id"] = Interlocked.Increment(ref _updateId);
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/api/telegram", UriKind.Relative)) { Content = JsonContent.Create(update) };
        request.Headers.Add("X-Telegram-Bot-Api-Secret-Token", Secret);
        using var response = await _http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    /// <summary>A tap on a button of the question's message in <paramref name="chat"/>, by <paramref name="from"/>.</summary>
    private Task TapAsync(long from, long chat, Asked question, string data, string username = "someone") => PostUpdateAsync(new JsonObject
    {
        ["callback_query"] = new JsonObject
        {
            ["id"] = $"cb-{from}-{Guid.NewGuid():N}",
            ["from"] = new JsonObject { ["id"] = from, ["is_bot"] = false, ["first_name"] = "X", ["username"] = username },
            ["data"] = data,
            ["message"] = new JsonObject { ["message_id"] = question.MessageId, ["chat"] = new JsonObject { ["id"] = chat, ["type"] = "private" } },
        },
    });

    private Task MessageAsync(long from, string text, string username = "owner") => PostUpdateAsync(new JsonObject
    {
        ["message"] = new JsonObject
        {
            ["message_id"] = Random.Shared.Next(1, 1_000_000),
            ["from"] = new JsonObject { ["id"] = from, ["is_bot"] = false, ["first_name"] = "P", ["username"] = username },
            ["chat"] = new JsonObject { ["id"] = from, ["type"] = "private" },
            ["text"] = text,
        },
    });

    private static string Text(CallToolResult result) => string.Join('\n', result.Content.OfType<TextContentBlock>().Select(c => c.Text));

    private async Task<QuestionRecord> WaitingQuestionAsync() =>
        (await Questions.WaitingInChatAsync("telegram", Owner.ToString(CultureInfo.InvariantCulture), default))
        ?? throw new InvalidOperationException("no question waits in the owner's chat");

    [Fact]
    public async Task A_question_with_two_options_is_sent_with_two_buttons_and_progress_reaches_the_caller()
    {
        await using var relay = await RelayProcess.StartAsync(_app.BaseUrl, "default", RelayToken);
        var progress = new ProgressLog();

        var call = relay.Client.CallToolAsync("ask_user", Ask("Roll back or hot-fix?", ["Roll back", "Hot-fix"]), progress).AsTask();

        var asked = await QuestionSentAsync("Roll back or hot-fix?", relay);
        Assert.Equal(Owner, (long)asked.Sent["chat_id"]!);
        Assert.Null(asked.Sent["parse_mode"]);
        Assert.Equal([("Roll back", $"ask:{asked.Id}:0"), ("Hot-fix", $"ask:{asked.Id}:1")], asked.Buttons);
        Assert.Contains("channel 'default'", (string)asked.Sent["text"]!, StringComparison.Ordinal);
        Assert.True(await RelayProcess.EventuallyAsync(() => !progress.Values.IsEmpty, TimeSpan.FromSeconds(30)), relay.Stderr);
        var first = progress.Values.First();
        Assert.Equal(600, first.Total);
        Assert.Contains($"Asked in chat {Owner} on Telegram; waiting for an answer", first.Message, StringComparison.Ordinal);
        Assert.False(call.IsCompleted);

        await TapAsync(Owner, Owner, asked, asked.Buttons[1].Data, "owner");

        var result = await call.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.NotEqual(true, result.IsError);
        Assert.StartsWith("111 (owner) chose \"Hot-fix\" (option 2 of 2) on Telegram.", Text(result), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_tap_by_an_allowed_user_returns_that_option_to_the_caller_and_the_buttons_give_way_to_the_outcome()
    {
        await using var relay = await RelayProcess.StartAsync(_app.BaseUrl, "default", RelayToken);
        await WebhookToChannelTests.WaitUntilConnectedAsync(relay);

        var call = relay.Client.CallToolAsync("ask_user", Ask("The fix touches the payment code. Go ahead?", ["Go ahead", "Stop"])).AsTask();
        var asked = await QuestionSentAsync("payment code", relay);
        await TapAsync(Owner, Owner, asked, asked.Buttons[0].Data, "owner");

        var result = await call.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.NotEqual(true, result.IsError);
        Assert.StartsWith("111 (owner) chose \"Go ahead\" (option 1 of 2) on Telegram.", Text(result), StringComparison.Ordinal);
        var edit = Assert.Single(_telegram.Sent("editMessageText"));
        Assert.Equal((Owner, asked.MessageId), ((long)edit["chat_id"]!, (long)edit["message_id"]!));
        Assert.Contains("✅ 111 (owner) answered: Go ahead", (string)edit["text"]!, StringComparison.Ordinal);
        Assert.Null(edit["reply_markup"]);
        Assert.Contains("Sent to Claude", (string)_telegram.Sent("answerCallbackQuery").Single()["text"]!, StringComparison.Ordinal);

        // The answer came as an event on the channel's queue: taken and acknowledged, and not shown as a channel event.
        Assert.True(await RelayProcess.EventuallyAsync(() => Inbox.Count("default") == 0, TimeSpan.FromSeconds(30)), relay.Stderr);
        Assert.Empty(relay.Notifications);

        // A second tap on the same message changes nothing.
        await TapAsync(Owner, Owner, asked, asked.Buttons[1].Data, "owner");
        Assert.Equal("This question was already answered.", (string?)_telegram.Sent("answerCallbackQuery")[^1]["text"]);
        Assert.Single(_telegram.Sent("editMessageText"));
    }

    [Fact]
    public async Task A_tap_by_a_stranger_changes_nothing()
    {
        await using var relay = await RelayProcess.StartAsync(_app.BaseUrl, "default", RelayToken);

        var call = relay.Client.CallToolAsync("ask_user", Ask("Deploy to production now?", ["Deploy", "Wait"])).AsTask();
        var asked = await QuestionSentAsync("Deploy to production now?", relay);
        var inboxBefore = Inbox.Count("default");

        await TapAsync(Stranger, Owner, asked, asked.Buttons[0].Data, "stranger");

        // The update is handled before its webhook call returns: had the tap counted, the question would be closed now.
        Assert.Equal(QuestionState.Waiting, (await WaitingQuestionAsync()).State);
        Assert.Equal("You are not allowed to answer this.", (string?)_telegram.Sent("answerCallbackQuery").Single()["text"]);
        Assert.Empty(_telegram.Sent("editMessageText"));
        Assert.Equal(inboxBefore, Inbox.Count("default"));
        Assert.False(call.IsCompleted);

        await TapAsync(Owner, Owner, asked, asked.Buttons[1].Data, "owner");

        var result = await call.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.StartsWith("111 (owner) chose \"Wait\"", Text(result), StringComparison.Ordinal);
        Assert.DoesNotContain("stranger", Text(result), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_text_reply_answers_a_question_without_options()
    {
        await using var relay = await RelayProcess.StartAsync(_app.BaseUrl, "default", RelayToken);
        await WebhookToChannelTests.WaitUntilConnectedAsync(relay);

        var call = relay.Client.CallToolAsync("ask_user", Ask("Which branch should I release from?")).AsTask();
        var asked = await QuestionSentAsync("Which branch", relay);
        Assert.Null(asked.Sent["reply_markup"]);
        Assert.Contains("Reply with your answer.", (string)asked.Sent["text"]!, StringComparison.Ordinal);

        await MessageAsync(Owner, "release/2.4, not main");

        var result = await call.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.NotEqual(true, result.IsError);
        Assert.StartsWith("111 (owner) answered on Telegram: \"release/2.4, not main\".", Text(result), StringComparison.Ordinal);
        Assert.Contains("✅ 111 (owner) answered: release/2.4, not main", (string)Assert.Single(_telegram.Sent("editMessageText"))["text"]!, StringComparison.Ordinal);

        // The reply was the answer, not a message for the session; the next message is one.
        await MessageAsync(Owner, "thanks, carry on");
        Assert.True(await RelayProcess.EventuallyAsync(() => relay.Notifications.Count == 1, TimeSpan.FromSeconds(30)), relay.Stderr);
        Assert.Equal("thanks, carry on", (string?)relay.Notifications.Single()["content"]);
    }

    [Fact]
    public async Task No_answer_within_the_timeout_returns_the_no_answer_result_and_replaces_the_buttons()
    {
        await using var relay = await RelayProcess.StartAsync(_app.BaseUrl, "default", RelayToken);
        var clock = Stopwatch.StartNew();

        var result = await relay.Client.CallToolAsync("ask_user", Ask("Merge the release branch?", ["Merge", "Not yet"], timeoutSeconds: 2))
            .AsTask().WaitAsync(TimeSpan.FromSeconds(60));

        Assert.NotEqual(true, result.IsError);
        Assert.StartsWith("No answer within 2 seconds: the question is closed", Text(result), StringComparison.Ordinal);
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(30));
        var question = Assert.Single(_telegram.Sent());
        var closed = (await Questions.FindByKeyAsync(QuestionKey.Hash("default", null, "111", "Merge the release branch?", ["Merge", "Not yet"]), default))!;
        Assert.Equal(QuestionState.Expired, closed.State);
        var edit = Assert.Single(_telegram.Sent("editMessageText"));
        Assert.Equal(closed.Messages.Single().MessageId, ((long)edit["message_id"]!).ToString(CultureInfo.InvariantCulture));
        Assert.Contains("⌛ No answer within 2 seconds", (string)edit["text"]!, StringComparison.Ordinal);
        Assert.Null(edit["reply_markup"]);

        // A tap that comes too late is told so, and the chat is free for the next question.
        var late = new Asked(question, closed.Id, long.Parse(closed.Messages.Single().MessageId, CultureInfo.InvariantCulture));
        await TapAsync(Owner, Owner, late, late.Buttons[0].Data, "owner");
        Assert.StartsWith("This question closed", (string)_telegram.Sent("answerCallbackQuery").Single()["text"]!, StringComparison.Ordinal);
        Assert.Null(await Questions.WaitingInChatAsync("telegram", Owner.ToString(CultureInfo.InvariantCulture), default));
        Assert.Equal(0, Inbox.Count("default"));
    }

    [Fact]
    public async Task A_relay_killed_while_waiting_and_started_again_gets_the_answer_given_in_between()
    {
        var stateFile = RelayProcess.NewStateFile();
        var first = await RelayProcess.StartAsync(_app.BaseUrl, "default", RelayToken, stateFile);
        Asked asked;
        try
        {
            var call = first.Client.CallToolAsync("ask_user", Ask("Drop the old audit table?", ["Drop it", "Keep it"])).AsTask();
            asked = await QuestionSentAsync("Drop the old audit table?", first);

            using (var process = Process.GetProcessById(await RelayPidAsync(first)))
            {
                process.Kill();
                await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
            }

            // The call in flight dies with the process (the client sees its transport close), as in Claude Code.
            var failure = await Record.ExceptionAsync(() => call.WaitAsync(TimeSpan.FromSeconds(30)));
            Assert.NotNull(failure);
            Assert.IsNotType<TimeoutException>(failure);
        }
        finally
        {
            await first.DisposeAsync();
        }

        // Answered while no relay runs: the answer waits in the function app and on the channel's queue.
        await TapAsync(Owner, Owner, asked, asked.Buttons[1].Data, "owner");
        Assert.Equal(1, Inbox.Count("default"));

        await using var second = await RelayProcess.StartAsync(_app.BaseUrl, "default", RelayToken, stateFile);
        var result = await second.Client.CallToolAsync("ask_user", Ask("Drop the old audit table?", ["Drop it", "Keep it"])).AsTask().WaitAsync(TimeSpan.FromSeconds(30));

        Assert.NotEqual(true, result.IsError);
        Assert.StartsWith("111 (owner) chose \"Keep it\" (option 2 of 2)", Text(result), StringComparison.Ordinal);
        Assert.Single(_telegram.Sent(), m => ((string?)m["text"])!.Contains("audit table", StringComparison.Ordinal));
        Assert.True(await RelayProcess.EventuallyAsync(() => Inbox.Count("default") == 0, TimeSpan.FromSeconds(30)), second.Stderr);
        Assert.Empty(second.Notifications);
    }

    [Fact]
    public async Task A_second_question_in_a_chat_where_one_waits_is_refused_with_a_message_Claude_can_read()
    {
        await using var relay = await RelayProcess.StartAsync(_app.BaseUrl, "default", RelayToken);
        var call = relay.Client.CallToolAsync("ask_user", Ask("Ship 2.4 today?", ["Yes", "No"])).AsTask();
        await QuestionSentAsync("Ship 2.4 today?", relay);

        var second = await relay.Client.CallToolAsync("ask_user", Ask("Also bump the version?", ["Yes", "No"]));

        Assert.True(second.IsError);
        Assert.Contains("already has a question waiting for an answer: \"Ship 2.4 today?\"", Text(second), StringComparison.Ordinal);
        Assert.Contains("One question per chat is open at a time", Text(second), StringComparison.Ordinal);
        Assert.Single(_telegram.Sent());
        Assert.False(call.IsCompleted);
    }

    [Fact]
    public async Task A_call_the_client_cancels_withdraws_its_question_and_frees_the_chat()
    {
        await using var relay = await RelayProcess.StartAsync(_app.BaseUrl, "default", RelayToken);
        using var cancel = new CancellationTokenSource();
        // The SDK's client sends notifications/cancelled for the request when its token is cancelled: the protocol's cancellation.
        // Whether Claude Code sends it when its user presses Esc was not checked here.
        var call = relay.Client.CallToolAsync("ask_user", Ask("Rotate the database password now?", ["Rotate", "Later"]), cancellationToken: cancel.Token).AsTask();
        var asked = await QuestionSentAsync("Rotate the database password", relay);

        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
        Assert.True(await RelayProcess.EventuallyAsync(() => _telegram.Sent("editMessageText").Count == 1, TimeSpan.FromSeconds(30)), relay.Stderr);
        var edit = _telegram.Sent("editMessageText").Single();
        Assert.Equal((Owner, asked.MessageId), ((long)edit["chat_id"]!, (long)edit["message_id"]!));
        Assert.Contains("Withdrawn", (string)edit["text"]!, StringComparison.Ordinal);
        Assert.Null(edit["reply_markup"]);
        Assert.Null(await Questions.WaitingInChatAsync("telegram", Owner.ToString(CultureInfo.InvariantCulture), default));

        // A late tap is told the question is gone, and the next question can use the chat.
        await TapAsync(Owner, Owner, asked, asked.Buttons[0].Data, "owner");
        Assert.Contains("withdrawn", (string)_telegram.Sent("answerCallbackQuery")[^1]["text"]!, StringComparison.Ordinal);
        var next = relay.Client.CallToolAsync("ask_user", Ask("Rotate it tomorrow instead?", ["Yes", "No"])).AsTask();
        await QuestionSentAsync("Rotate it tomorrow instead?", relay);
        Assert.False(next.IsCompleted);
    }

    /// <summary>The relay's own process id, from its start-up line on stderr: the process this test kills.</summary>
    private static async Task<int> RelayPidAsync(RelayProcess relay)
    {
        Assert.True(await RelayProcess.EventuallyAsync(() => PidLine().IsMatch(relay.Stderr), TimeSpan.FromSeconds(30)), relay.Stderr);
        return int.Parse(PidLine().Match(relay.Stderr).Groups[1].Value, CultureInfo.InvariantCulture);
    }

    [GeneratedRegex(@"\(pid ([0-9]+)\)")]
    private static partial Regex PidLine();

    /// <summary>Progress notifications as the client received them, without a synchronisation context in between.</summary>
    private sealed class ProgressLog : IProgress<ProgressNotificationValue>
    {
        public ConcurrentQueue<ProgressNotificationValue> Values { get; } = new();

        public void Report(ProgressNotificationValue value) => Values.Enqueue(value);
    }
}
