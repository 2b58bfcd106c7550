using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using ModelContextProtocol.Protocol;
using Serverless.Functions.Inbox;
using Serverless.Testing;

namespace Serverless.EndToEnd.Tests;

/// <summary>
/// Slack end to end: a fake Slack (Web API and response_url) on 127.0.0.1, the function app, and the relay as
/// Claude Code runs it. Every request to the app is signed as Slack signs it, independently of the app's code.
/// </summary>
public sealed partial class SlackTests : IAsyncLifetime
{
    private const string Secret = "slack-e2e-signing-secret";
    private const string BotToken = "xoxb-e2e-bot-token";
    private const string RelayToken = "slack-tests-relay-token-0123";
    private const string Owner = "U0OWNER1";
    private const string OwnerDm = "D0DM0001";
    private FakeSlackApi _slack = null!;
    private RunningFunctionsApp _app = null!;
    private HttpClient _http = null!;
    private int _eventId;
    private long _ts = 500;

    public async Task InitializeAsync()
    {
        _slack = await FakeSlackApi.StartAsync(BotToken);
        _app = await RunningFunctionsApp.StartAsync(_slack.AppSettings(Secret, RelayToken, Owner));
        _http = _app.CreateClient();
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _app.DisposeAsync();
        await _slack.DisposeAsync();
    }

    private EmbeddedEventInbox Inbox => _app.Services.GetRequiredService<EmbeddedEventInbox>();

    private string NextTs() => $"1700000001.{Interlocked.Increment(ref _ts):D6}";

    private async Task<HttpResponseMessage> PostEventAsync(JsonObject message) =>
        await _http.SendAsync(SlackRequests.Event(SlackRequests.Envelope(message, $"Ev{Interlocked.Increment(ref _eventId):D6}"), Secret, DateTimeOffset.UtcNow));

    private async Task<HttpResponseMessage> PressAsync(string user, string value, string channel, string messageTs) =>
        await _http.SendAsync(SlackRequests.Interaction(SlackRequests.ButtonPress(user, value, _slack.ResponseUrl(user), channel, messageTs), Secret, DateTimeOffset.UtcNow));

    private static string Text(CallToolResult result) => string.Join('\n', result.Content.OfType<TextContentBlock>().Select(c => c.Text));

    private async Task<(int ExitCode, string Output)> RelayPairAsync(string code)
    {
        var (exitCode, stdout, stderr) = await RelayProcess.RunCommandWithTokenAsync(RelayToken, _app.BaseUrl, "default", "pair", code);
        return (exitCode, stdout + stderr);
    }

    [Fact]
    public async Task A_direct_message_reaches_the_session_gets_a_receipt_and_the_reply_goes_back_to_its_conversation()
    {
        await using var relay = await RelayProcess.StartAsync(_app.BaseUrl, "default", RelayToken);
        await WebhookToChannelTests.WaitUntilConnectedAsync(relay);

        // The owner's display name is whatever they (or anyone renaming themselves) chose: it travels as user_name, never as user.
        var message = SlackRequests.DirectMessage(Owner, "the deploy failed,\nlook at it", "1700000001.000042", OwnerDm);
        message["user_profile"] = new JsonObject { ["display_name"] = "alice", ["name"] = "alice" };
        using (var response = await PostEventAsync(message))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        Assert.True(await RelayProcess.EventuallyAsync(() => relay.Notifications.Count == 1, TimeSpan.FromSeconds(30)), relay.Stderr);
        var notification = relay.Notifications.Single();
        var meta = notification["meta"]!;
        Assert.Equal("the deploy failed,\nlook at it", (string?)notification["content"]);
        Assert.Equal(("slack", "slack:D0DM0001", "1700000001.000042", Owner, "allowlisted"),
            ((string?)meta["kind"], (string?)meta["chat_id"], (string?)meta["message_id"], (string?)meta["user"], (string?)meta["trust"]));
        Assert.Equal("alice", (string?)meta["user_name"]);
        var receipt = (await _slack.WaitForAsync("reactions.add")).Single();
        Assert.Equal((OwnerDm, "1700000001.000042", "eyes"), ((string?)receipt["channel"], (string?)receipt["timestamp"], (string?)receipt["name"]));

        var result = await relay.Client.CallToolAsync("reply", new Dictionary<string, object?> { ["chat_id"] = "slack:D0DM0001", ["text"] = "On it <now>." });

        Assert.NotEqual(true, result.IsError);
        var sent = _slack.Sent().Single();
        Assert.Equal((OwnerDm, "On it &lt;now&gt;.", null), ((string?)sent["channel"], (string?)sent["text"], (string?)sent["thread_ts"]));
        Assert.Equal("On it <now>.", (string?)sent["blocks"]![0]!["text"]!["text"]);
        Assert.Equal($"Bearer {BotToken}", _slack.Calls.Last(c => c.Method == "chat.postMessage").Headers["Authorization"]);
    }

    [Fact]
    public async Task A_mention_in_an_allowed_channel_reaches_the_session_and_the_reply_goes_to_a_thread_under_it()
    {
        await using var relay = await RelayProcess.StartAsync(_app.BaseUrl, "default", RelayToken);
        await WebhookToChannelTests.WaitUntilConnectedAsync(relay);

        using (await PostEventAsync(SlackRequests.Mention(Owner, $"<@{FakeSlackApi.BotUserId}> is CI green?", "1700000001.000077")))
        {
        }

        using (await PostEventAsync(SlackRequests.Mention("U0STRANGE", $"<@{FakeSlackApi.BotUserId}> me too", "1700000001.000078")))
        {
        }

        using (await PostEventAsync(SlackRequests.Mention(Owner, $"<@{FakeSlackApi.BotUserId}> not an allowed channel", "1700000001.000079", "C0ELSE01")))
        {
        }

        // A marker after them: once the session has it, the two refused mentions, stored before it, would have arrived too.
        using (await PostEventAsync(SlackRequests.Mention(Owner, $"<@{FakeSlackApi.BotUserId}> marker", "1700000001.000080")))
        {
        }

        Assert.True(await RelayProcess.EventuallyAsync(() => relay.Notifications.Any(n => (string?)n["content"] == "marker"), TimeSpan.FromSeconds(30)), relay.Stderr);
        Assert.Equal(["is CI green?", "marker"], relay.Notifications.Select(n => (string?)n["content"]));
        var notification = relay.Notifications.First();
        Assert.Equal("slack:C0TEAM01:1700000001.000077", (string?)notification["meta"]!["chat_id"]);

        var result = await relay.Client.CallToolAsync("reply", new Dictionary<string, object?> { ["chat_id"] = "slack:C0TEAM01:1700000001.000077", ["text"] = "*Yes*, all green.", ["format"] = "markdown" });

        Assert.NotEqual(true, result.IsError);
        var sent = _slack.Sent().Single();
        Assert.Equal(("C0TEAM01", "1700000001.000077", "*Yes*, all green.", "mrkdwn"),
            ((string?)sent["channel"], (string?)sent["thread_ts"], (string?)sent["text"], (string?)sent["blocks"]![0]!["text"]!["type"]));
        Assert.Empty(_slack.Sent("reactions.add"));
    }

    [Fact]
    public async Task A_long_reply_arrives_as_ordered_parts_Slack_accepts_and_a_429_is_waited_out()
    {
        using (await PostEventAsync(SlackRequests.DirectMessage(Owner, "hello", NextTs(), OwnerDm)))
        {
        }

        await using var relay = await RelayProcess.StartAsync(_app.BaseUrl, "default", RelayToken);
        var paragraphs = Enumerable.Range(0, 30).Select(i => $"Paragraph {i:00}: " + new string((char)('a' + (i % 26)), 280)).ToList();
        var text = string.Join("\n\n", paragraphs);
        _slack.RateLimit("chat.postMessage", count: 1, seconds: 1);

        var result = await relay.Client.CallToolAsync("reply", new Dictionary<string, object?> { ["chat_id"] = "slack:D0DM0001", ["text"] = text });

        Assert.NotEqual(true, result.IsError);
        var calls = _slack.Sent();
        Assert.Equal(4, calls.Count);
        Assert.Equal(calls[0].ToJsonString(), calls[1].ToJsonString());
        var parts = calls.Skip(1).Select(c => (string)c["text"]!).ToList();
        Assert.All(parts, p => Assert.InRange(p.Length, 1, 4000));
        Assert.Equal(text, string.Join("\n\n", parts));
        Assert.Contains("1700000000.", Text(result), StringComparison.Ordinal);
    }

    [Fact]
    public async Task React_and_edit_message_reach_Slack_and_its_refusals_come_back_as_tool_errors()
    {
        using (await PostEventAsync(SlackRequests.DirectMessage(Owner, "hello", NextTs(), OwnerDm)))
        {
        }

        await using var relay = await RelayProcess.StartAsync(_app.BaseUrl, "default", RelayToken);

        var react = await relay.Client.CallToolAsync("react", new Dictionary<string, object?> { ["chat_id"] = "slack:D0DM0001", ["message_id"] = "1700000001.000042", ["emoji"] = "✅" });
        var refused = await relay.Client.CallToolAsync("react", new Dictionary<string, object?> { ["chat_id"] = "slack:D0DM0001", ["message_id"] = "1700000001.000042", ["emoji"] = "duck_that_slack_does_not_know" });
        var edit = await relay.Client.CallToolAsync("edit_message", new Dictionary<string, object?> { ["chat_id"] = "slack:D0DM0001", ["message_id"] = "1700000000.000101", ["text"] = "Build 2 of 3 done" });
        var elsewhere = await relay.Client.CallToolAsync("reply", new Dictionary<string, object?> { ["chat_id"] = "slack:C0ELSE01", ["text"] = "hello" });

        Assert.NotEqual(true, react.IsError);
        Assert.Equal("white_check_mark", (string?)_slack.Sent("reactions.add").First(r => (string?)r["timestamp"] == "1700000001.000042")["name"]);
        Assert.True(refused.IsError);
        Assert.Contains("invalid_name", Text(refused), StringComparison.Ordinal);
        Assert.NotEqual(true, edit.IsError);
        var edited = Assert.Single(_slack.Sent("chat.update"));
        Assert.Equal((OwnerDm, "1700000000.000101", "Build 2 of 3 done"), ((string?)edited["channel"], (string?)edited["ts"], (string?)edited["text"]));
        Assert.True(elsewhere.IsError);
        Assert.Contains("not an allowed chat", Text(elsewhere), StringComparison.Ordinal);
        Assert.Empty(_slack.Sent());
    }

    [Fact]
    public async Task A_stranger_gets_the_answer_at_once_while_a_rate_limited_pairing_code_waits_and_then_arrives()
    {
        _slack.RateLimit("chat.postMessage", count: 1, seconds: 5);

        using (var response = await PostEventAsync(SlackRequests.DirectMessage("U0STRANGE", "hi", NextTs(), "D0STRANGE")))
        {
            // Slack's answer did not wait for the Web API: the code is still waiting out its 429.
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.True(_slack.Sent().Count <= 1);
        }

        var sent = await _slack.WaitForAsync("chat.postMessage", 2, TimeSpan.FromSeconds(30));
        Assert.Equal("D0STRANGE", (string?)sent[^1]["channel"]);
        Assert.Matches(PairCommand(), (string)sent[^1]["text"]!);
        Assert.Equal(0, Inbox.Count("default"));
    }

    [Fact]
    public async Task A_paired_user_approves_a_permission_request_with_a_button_and_a_strangers_press_changes_nothing()
    {
        using (await PostEventAsync(SlackRequests.DirectMessage("U0PHONE1", "hi", NextTs(), "D0PHONE1")))
        {
        }

        var codeMessage = (await _slack.WaitForAsync("chat.postMessage")).Single();
        var (exitCode, output) = await RelayPairAsync(PairCommand().Match((string)codeMessage["text"]!).Groups[1].Value);
        Assert.True(exitCode == 0, output);
        await _slack.WaitForAsync("chat.postMessage", 2);

        // The relay gives the app 1 s to say whether a paired chat exists; a loaded test machine can spend that on
        // the route's first call, so it is made once beforehand, as any running app has.
        using (var warm = new HttpRequestMessage(HttpMethod.Get, new Uri("/api/relay/capabilities?channel=default", UriKind.Relative)))
        {
            warm.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", RelayToken);
            using var capabilities = await _http.SendAsync(warm);
            Assert.Contains("\"permission_relay\":true", await capabilities.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

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

        // The paired user gets it in the conversation they wrote from; the configured owner, who never wrote, at
        // their user id (Slack writes that in the app's direct conversation with them).
        Assert.True(await RelayProcess.EventuallyAsync(() => _slack.Sent().Count(m => ((string?)m["text"])?.Contains("Bash", StringComparison.Ordinal) == true) == 2, TimeSpan.FromSeconds(30)), relay.Stderr);
        var asks = _slack.Sent().Where(m => ((string?)m["text"])!.Contains("Bash", StringComparison.Ordinal)).ToList();
        Assert.Equal(["D0PHONE1", Owner], asks.Select(m => (string?)m["channel"]).Order(StringComparer.Ordinal));
        var ask = asks.Single(m => (string?)m["channel"] == "D0PHONE1");
        var buttons = ask["blocks"]!.AsArray().Where(b => (string?)b!["type"] == "actions").SelectMany(b => b!["elements"]!.AsArray()).ToList();
        Assert.Equal(["perm:more:abcde", "perm:allow:abcde", "perm:deny:abcde"], buttons.Select(b => (string?)b!["value"]));
        Assert.Equal([null, "primary", "danger"], buttons.Select(b => (string?)b!["style"]));

        using (var stranger = await PressAsync("U0STRANGE", "perm:allow:abcde", "D0PHONE1", "1700000000.000103"))
        {
            Assert.Equal(HttpStatusCode.OK, stranger.StatusCode);
        }

        var strangerAnswer = (await _slack.WaitForAsync("response_url")).Single();
        Assert.Equal(("ephemeral", false), ((string?)strangerAnswer["response_type"], (bool)strangerAnswer["replace_original"]!));
        Assert.Contains("not allowed", (string)strangerAnswer["text"]!, StringComparison.Ordinal);
        var request = await _app.Services.GetRequiredService<Serverless.Functions.Chat.Permissions.IPermissionStore>().GetAsync("abcde", default);
        Assert.Null(request!.Outcome);
        Assert.Empty(relay.PermissionAnswers);
        Assert.Empty(_slack.Sent("chat.update"));

        using (var owner = await PressAsync("U0PHONE1", "perm:allow:abcde", "D0PHONE1", "1700000000.000103"))
        {
            Assert.Equal(HttpStatusCode.OK, owner.StatusCode);
        }

        Assert.True(await RelayProcess.EventuallyAsync(() => relay.PermissionAnswers.Count == 1, TimeSpan.FromSeconds(30)), relay.Stderr);
        var answer = relay.PermissionAnswers.Single();
        Assert.Equal(("abcde", "allow"), ((string?)answer["request_id"], (string?)answer["behavior"]));
        // Both copies lose their buttons; the one in the presser's conversation is checked here.
        var edit = (await _slack.WaitForAsync("chat.update", 2)).Single(m => (string?)m["channel"] == "D0PHONE1");
        Assert.Contains("Allowed", (string)edit["text"]!, StringComparison.Ordinal);
        Assert.DoesNotContain(edit["blocks"]!.AsArray(), b => (string?)b!["type"] == "actions");
        var ownerAnswer = (await _slack.WaitForAsync("response_url", 2))[^1];
        Assert.Equal("ephemeral", (string?)ownerAnswer["response_type"]);
        Assert.Equal("/actions/T0001/U0PHONE1/secretpart", _slack.Calls.Last(c => c.Method == "response_url").Path);
    }

    [Fact]
    public async Task An_ask_user_question_is_answered_with_a_button_and_its_buttons_give_way_to_the_outcome()
    {
        using (await PostEventAsync(SlackRequests.DirectMessage(Owner, "hello", NextTs(), OwnerDm)))
        {
        }

        await using var relay = await RelayProcess.StartAsync(_app.BaseUrl, "default", RelayToken);
        await WebhookToChannelTests.WaitUntilConnectedAsync(relay);

        var call = relay.Client.CallToolAsync("ask_user", new Dictionary<string, object?>
        {
            ["question"] = "The fix touches the payment code. Go ahead?",
            ["options"] = new List<string> { "Go ahead", "Stop" },
            ["chat_id"] = "slack:D0DM0001",
        }).AsTask();
        Assert.True(await RelayProcess.EventuallyAsync(() => _slack.Sent().Any(m => ((string?)m["text"])?.Contains("payment code", StringComparison.Ordinal) == true), TimeSpan.FromSeconds(30)), relay.Stderr);
        var asked = _slack.Sent().Single(m => ((string?)m["text"])!.Contains("payment code", StringComparison.Ordinal));
        Assert.Equal(OwnerDm, (string?)asked["channel"]);
        var options = asked["blocks"]!.AsArray().Where(b => (string?)b!["type"] == "actions").SelectMany(b => b!["elements"]!.AsArray())
            .Select(b => ((string)b!["text"]!["text"]!, (string)b["value"]!)).ToList();
        Assert.Equal(["Go ahead", "Stop"], options.Select(o => o.Item1));
        Assert.All(options, o => Assert.StartsWith("ask:", o.Item2, StringComparison.Ordinal));

        using (var press = await PressAsync(Owner, options[0].Item2, OwnerDm, "1700000000.000101"))
        {
            Assert.Equal(HttpStatusCode.OK, press.StatusCode);
        }

        var result = await call.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.NotEqual(true, result.IsError);
        Assert.Contains($"{Owner} (u0owner1) chose \"Go ahead\" (option 1 of 2)", Text(result), StringComparison.Ordinal);
        var edit = (await _slack.WaitForAsync("chat.update")).Single();
        Assert.Equal(OwnerDm, (string?)edit["channel"]);
        Assert.Contains("answered: Go ahead", (string)edit["text"]!, StringComparison.Ordinal);
        Assert.DoesNotContain(edit["blocks"]!.AsArray(), b => (string?)b!["type"] == "actions");
        Assert.Contains("Sent to Claude", (string)(await _slack.WaitForAsync("response_url")).Single()["text"]!, StringComparison.Ordinal);
    }

    [GeneratedRegex(@"relay pair ([A-Z2-9]{6})")]
    private static partial Regex PairCommand();
}
