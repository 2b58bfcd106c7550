using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Serverless.Tests.Relay.Delivery;
using Serverless.Functions.Chat;
using Serverless.Functions.Chat.Slack;
using Serverless.Testing;

namespace Serverless.Tests.Functions.Chat.Slack;

/// <summary>The Slack transport's Web API calls, against a fake Slack on 127.0.0.1.</summary>
public sealed class SlackChatTransportTests : IAsyncLifetime
{
    private const string Token = "xoxb-test-token";
    private FakeSlackApi _slack = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        _slack = await FakeSlackApi.StartAsync(Token);
        _http = new HttpClient();
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _slack.DisposeAsync();
    }

    private SlackOptions Options(Action<SlackOptions>? change = null)
    {
        var options = new SlackOptions { SigningSecret = "signing-secret", BotToken = Token, ApiBaseUrl = _slack.ApiBaseUrl };
        change?.Invoke(options);
        return options;
    }

    private (SlackChatTransport Transport, SlackOutbox Outbox) Transport(TimeProvider? time = null, SlackOptions? options = null)
    {
        var api = new SlackWebApi(_http, Microsoft.Extensions.Options.Options.Create(options ?? Options()), time ?? TimeProvider.System, NullLogger<SlackWebApi>.Instance);
        var outbox = new SlackOutbox(NullLogger<SlackOutbox>.Instance);
        return (new SlackChatTransport(Microsoft.Extensions.Options.Options.Create(options ?? Options()), api, outbox), outbox);
    }

    [Fact]
    public async Task A_message_with_buttons_goes_to_its_thread_as_a_section_and_an_actions_block_with_the_bot_token()
    {
        var (transport, _) = Transport();

        var sent = await transport.SendAsync(new ChatOutgoingMessage("slack:C0TEAM01:1700000000.000200", "Claude wants to run Bash")
        {
            Buttons = [[new ChatButton("See more", "perm:more:abcde")], [new ChatButton("✅ Allow", "perm:allow:abcde", ChatButtonStyle.Primary), new ChatButton("❌ Deny", "perm:deny:abcde", ChatButtonStyle.Danger)]],
        }, CancellationToken.None);

        var call = Assert.Single(_slack.Calls);
        Assert.Equal("chat.postMessage", call.Method);
        Assert.Equal($"Bearer {Token}", call.Headers["Authorization"]);
        Assert.StartsWith("application/json; charset=utf-8", call.Headers["Content-Type"], StringComparison.Ordinal);
        var body = call.Json!;
        Assert.Equal(("C0TEAM01", "1700000000.000200", "Claude wants to run Bash"), ((string?)body["channel"], (string?)body["thread_ts"], (string?)body["text"]));
        var blocks = body["blocks"]!.AsArray();
        Assert.Equal(["section", "actions", "actions"], blocks.Select(b => (string?)b!["type"]));
        Assert.Equal(("plain_text", "Claude wants to run Bash"), ((string?)blocks[0]!["text"]!["type"], (string?)blocks[0]!["text"]!["text"]));
        var allow = blocks[2]!["elements"]![0]!;
        Assert.Equal(("button", "perm:allow:abcde", "perm:allow:abcde", "primary", "✅ Allow"),
            ((string?)allow["type"], (string?)allow["action_id"], (string?)allow["value"], (string?)allow["style"], (string?)allow["text"]!["text"]));
        Assert.Equal("danger", (string?)blocks[2]!["elements"]![1]!["style"]);
        Assert.Null(blocks[1]!["elements"]![0]!["style"]);
        Assert.Equal("slack:C0TEAM01:1700000000.000200", sent.ChatReference);
        Assert.Matches(@"^1700000000\.\d{6}$", sent.MessageId);
    }

    [Fact]
    public async Task Markdown_goes_as_mrkdwn_and_plain_text_is_escaped_in_the_notification_text()
    {
        var (transport, _) = Transport();

        await transport.SendAsync(new ChatOutgoingMessage("slack:D0DM0001", "*bold* <https://x.invalid|link>") { Format = ChatTextFormat.Markdown }, CancellationToken.None);
        await transport.SendAsync(new ChatOutgoingMessage("slack:D0DM0001", "a < b && c > d"), CancellationToken.None);

        var (markdown, plain) = (_slack.Sent()[0], _slack.Sent()[1]);
        Assert.Equal(("*bold* <https://x.invalid|link>", "mrkdwn"), ((string?)markdown["text"], (string?)markdown["blocks"]![0]!["text"]!["type"]));
        Assert.Equal(("a &lt; b &amp;&amp; c &gt; d", "a < b && c > d"), ((string?)plain["text"], (string?)plain["blocks"]![0]!["text"]!["text"]));
        Assert.Null(plain["thread_ts"]);
    }

    [Theory]
    [InlineData(ChatTextFormat.Markdown)]
    [InlineData(ChatTextFormat.Plain)]
    public async Task Mentions_in_a_reply_or_an_edit_notify_nobody_in_either_format(ChatTextFormat format)
    {
        // A reply can carry words a third party wrote (a webhook title, a log line): none of them may ping a channel,
        // a user group or a user, as Discord's allowed_mentions already ensures there.
        const string Text = "*CI failed* <!channel> <!here|here> <!everyone> <!subteam^S0123ABC|@oncall> <@U0OTHER1> @channel @Here @everyone <https://x.invalid|log>";
        var (transport, _) = Transport();

        var sent = await transport.SendAsync(new ChatOutgoingMessage("slack:C0TEAM01", Text) { Format = format }, CancellationToken.None);
        await transport.EditAsync(sent.ChatReference, sent.MessageId, Text, format, CancellationToken.None);

        Assert.Empty(FakeSlackApi.MentionsIn(_slack.Sent()[0]));
        Assert.Empty(FakeSlackApi.MentionsIn(_slack.Sent("chat.update")[0]));
        if (format == ChatTextFormat.Markdown)
        {
            // Formatting and links still work.
            var section = (string?)_slack.Sent()[0]["blocks"]![0]!["text"]!["text"];
            Assert.StartsWith("*CI failed* ", section, StringComparison.Ordinal);
            Assert.EndsWith("<https://x.invalid|log>", section, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void The_fake_counts_the_mentions_slack_would_notify()
    {
        // The check above is only as good as the fake's reading: unescaped, every form is a mention.
        var message = new JsonObject
        {
            ["text"] = "<!channel> <@U0OTHER1>",
            ["blocks"] = new JsonArray(new JsonObject { ["type"] = "section", ["text"] = new JsonObject { ["type"] = "mrkdwn", ["text"] = "<!subteam^S0123ABC|@oncall> @here" } }),
        };

        Assert.Equal(["!channel", "@U0OTHER1", "!subteam^S0123ABC", "!here"], FakeSlackApi.MentionsIn(message));
    }

    [Fact]
    public async Task A_message_to_a_users_id_goes_to_their_direct_conversation_which_names_it_from_then_on()
    {
        var (transport, _) = Transport();

        var sent = await transport.SendAsync(new ChatOutgoingMessage("slack:U0OWNER1", "Claude wants to run Bash"), CancellationToken.None);

        Assert.Equal("U0OWNER1", (string?)_slack.Sent()[0]["channel"]);
        Assert.Equal("slack:DU0OWNER1", sent.ChatReference);
    }

    [Fact]
    public async Task A_reply_to_a_channel_message_without_a_thread_starts_one_under_it_but_not_in_a_direct_message()
    {
        var (transport, _) = Transport();

        await transport.SendAsync(new ChatOutgoingMessage("slack:C0TEAM01", "in a thread") { ReplyTo = "1700000000.000300" }, CancellationToken.None);
        await transport.SendAsync(new ChatOutgoingMessage("slack:D0DM0001", "in the conversation") { ReplyTo = "1700000000.000300" }, CancellationToken.None);

        Assert.Equal("1700000000.000300", (string?)_slack.Sent()[0]["thread_ts"]);
        Assert.Null(_slack.Sent()[1]["thread_ts"]);
    }

    [Fact]
    public async Task A_message_of_the_longest_length_is_cut_into_sections_Slack_accepts()
    {
        var (transport, _) = Transport();
        var text = string.Join('\n', Enumerable.Repeat(new string('x', 99), SlackChatTransport.MaxLength / 100));

        await transport.SendAsync(new ChatOutgoingMessage("slack:D0DM0001", text) { Buttons = [[new ChatButton("Ok", "ask:q1:0")]] }, CancellationToken.None);

        var blocks = _slack.Sent()[0]["blocks"]!.AsArray();
        Assert.Equal(3, blocks.Count);
        Assert.All(blocks.Take(2), b => Assert.InRange(((string)b!["text"]!["text"]!).Length, 1, SlackBlocks.MaxSectionText));
        Assert.Equal(text.Replace("\n", string.Empty, StringComparison.Ordinal), string.Concat(blocks.Take(2).Select(b => ((string)b!["text"]!["text"]!).Replace("\n", string.Empty, StringComparison.Ordinal))));
    }

    [Fact]
    public async Task An_edit_replaces_the_text_and_drops_the_buttons()
    {
        var (transport, _) = Transport();

        await transport.EditAsync("slack:D0DM0001", "1700000000.000100", "✅ Allowed by @owner", ChatTextFormat.Plain, CancellationToken.None);

        var update = Assert.Single(_slack.Sent("chat.update"));
        Assert.Equal(("D0DM0001", "1700000000.000100", "✅ Allowed by @owner"), ((string?)update["channel"], (string?)update["ts"], (string?)update["text"]));
        Assert.Equal(["section"], update["blocks"]!.AsArray().Select(b => (string?)b!["type"]));
    }

    [Theory]
    [InlineData("👀", "eyes")]
    [InlineData("👍", "+1")]
    [InlineData("✅", "white_check_mark")]
    [InlineData("❌", "x")]
    [InlineData("🎉", "tada")]
    [InlineData("❤️", "heart")]
    [InlineData("eyes", "eyes")]
    [InlineData(":rocket:", "rocket")]
    public async Task A_reaction_is_sent_by_its_Slack_name(string emoji, string name)
    {
        var (transport, _) = Transport();

        await transport.ReactAsync("slack:C0TEAM01:1700000000.000200", "1700000000.000250", emoji, CancellationToken.None);

        var reaction = Assert.Single(_slack.Sent("reactions.add"));
        Assert.Equal(("C0TEAM01", "1700000000.000250", name), ((string?)reaction["channel"], (string?)reaction["timestamp"], (string?)reaction["name"]));
    }

    [Fact]
    public async Task A_reaction_already_there_is_not_a_failure_but_an_unknown_name_is()
    {
        var (transport, _) = Transport();
        await transport.ReactAsync("slack:D0DM0001", "1700000000.000100", "eyes", CancellationToken.None);

        await transport.ReactAsync("slack:D0DM0001", "1700000000.000100", "👀", CancellationToken.None);
        var refused = await Assert.ThrowsAsync<SlackApiException>(() => transport.ReactAsync("slack:D0DM0001", "1700000000.000100", "not_an_emoji_slack_knows", CancellationToken.None));
        var notAName = await Assert.ThrowsAnyAsync<ChatApiException>(() => transport.ReactAsync("slack:D0DM0001", "1700000000.000100", "Not A Name!", CancellationToken.None));

        Assert.Equal("invalid_name", refused.Error);
        Assert.Contains("not a Slack reaction", notAName.Message, StringComparison.Ordinal);
        Assert.Equal(3, _slack.Sent("reactions.add").Count);
    }

    [Fact]
    public async Task Slacks_ok_false_is_a_chat_api_exception_with_its_error_and_never_the_token()
    {
        var (transport, _) = Transport();

        var ex = await Assert.ThrowsAsync<SlackApiException>(() => transport.SendAsync(new ChatOutgoingMessage("slack:CGONE001", "hello"), CancellationToken.None));

        Assert.Equal("channel_not_found", ex.Error);
        Assert.Contains("channel_not_found", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Token, ex.Message, StringComparison.Ordinal);
        Assert.False(ex.IsFormatError);
    }

    [Fact]
    public async Task Refused_markdown_blocks_are_a_format_error_so_the_caller_can_send_plain_text()
    {
        var (transport, _) = Transport();
        // More than 50 blocks: the fake refuses it as Slack does.
        var rows = Enumerable.Range(0, 50).Select(i => (IReadOnlyList<ChatButton>)[new ChatButton($"{i}", $"ask:q1:{i}")]).ToList();
        var ex = await Assert.ThrowsAsync<SlackApiException>(() => transport.SendAsync(
            new ChatOutgoingMessage("slack:D0DM0001", "*many*") { Format = ChatTextFormat.Markdown, Buttons = rows }, CancellationToken.None));

        Assert.Equal("invalid_blocks", ex.Error);
        Assert.True(ex.IsFormatError);
    }

    [Fact]
    public async Task A_429_is_waited_out_for_its_Retry_After_seconds_on_the_apps_clock_and_then_sent()
    {
        var time = new SteppedTimeProvider();
        var (transport, _) = Transport(time);
        _slack.RateLimit("chat.postMessage", count: 1, seconds: 7);

        var sending = transport.SendAsync(new ChatOutgoingMessage("slack:D0DM0001", "after the limit"), CancellationToken.None);
        await WaitUntilAsync(() => time.PendingTimers == 1);
        time.Advance(TimeSpan.FromSeconds(6));
        Assert.False(sending.IsCompleted);
        Assert.Single(_slack.Sent());
        time.Advance(TimeSpan.FromSeconds(1));
        var sent = await sending.WaitAsync(TimeSpan.FromSeconds(20));

        Assert.Equal(2, _slack.Sent().Count);
        Assert.NotEmpty(sent.MessageId);
    }

    [Fact]
    public async Task While_Slack_waits_for_its_answer_writes_are_queued_and_sent_afterwards_in_order()
    {
        var (transport, outbox) = Transport();
        await outbox.StartAsync(CancellationToken.None);
        _slack.Delay("chat.postMessage", TimeSpan.FromSeconds(2));
        try
        {
            var sent = await SlackOutbox.DeferringAsync(async () =>
            {
                var first = await transport.SendAsync(new ChatOutgoingMessage("slack:D0DM0001", "first"), CancellationToken.None);
                await transport.EditAsync("slack:D0DM0001", "1700000000.000100", "second", ChatTextFormat.Plain, CancellationToken.None);
                await transport.ReactAsync("slack:D0DM0001", "1700000000.000100", "👀", CancellationToken.None);
                return first;
            });

            Assert.Equal(string.Empty, sent.MessageId);
            Assert.False(SlackOutbox.IsDeferring);
            await _slack.WaitForAsync("reactions.add");
            Assert.Equal(["chat.postMessage", "chat.update", "reactions.add"], _slack.Calls.Select(c => c.Method));
        }
        finally
        {
            await outbox.StopAsync(CancellationToken.None);
        }
    }

    [Theory]
    [InlineData("slack:C0TEAM01:1700000000.000200", "slack:C0TEAM01")]
    [InlineData("slack:D0DM0001", "slack:D0DM0001")]
    [InlineData("12345", null)]
    [InlineData("slack:not-an-id", null)]
    [InlineData("slack:C0TEAM01:not-a-ts", null)]
    [InlineData("discord:123", null)]
    public void The_conversation_of_a_reference_leaves_out_its_thread(string reference, string? conversation)
    {
        Assert.Equal(conversation, Transport().Transport.ConversationOf(reference));
    }

    [Theory]
    [InlineData("PrivateChats", "slack:D0DM0001", true)]
    [InlineData("PrivateChats", "slack:C0TEAM01:1700000000.000200", false)]
    [InlineData("AllChats", "slack:C0TEAM01:1700000000.000200", true)]
    [InlineData("Off", "slack:D0DM0001", false)]
    public void Receipts_go_where_the_setting_says(string receipts, string reference, bool wanted)
    {
        var options = Options(o => o.Receipts = Enum.Parse<ChatReceipts>(receipts));

        Assert.Equal(wanted, Transport(options: options).Transport.WantsReceipt(reference));
    }

    [Fact]
    public void Allowed_groups_notification_chats_and_users_come_from_the_settings()
    {
        var options = Options(o =>
        {
            o.AllowedChannels.Add("C0TEAM01");
            o.AllowedUsers.Add("U0OWNER1");
            o.NotificationChats["ops"] = "C0OPS001";
        });
        var transport = Transport(options: options).Transport;

        Assert.True(transport.IsAllowedGroup("slack:C0TEAM01"));
        Assert.False(transport.IsAllowedGroup("slack:C0OTHER1"));
        Assert.Equal("slack:C0OPS001", transport.NotificationChat("ops"));
        Assert.Null(transport.NotificationChat("default"));
        Assert.Equal(["U0OWNER1"], transport.ConfiguredUsers);
        Assert.Equal(("slack", 4000, "eyes"), (transport.Name, transport.MaxMessageLength, transport.ReceiptEmoji));
    }

    [Theory]
    [InlineData("https://hooks.slack.com/actions/T1/2/abc", "https://slack.com/api/", true)]
    [InlineData("http://hooks.slack.com/actions/T1/2/abc", "https://slack.com/api/", false)]
    [InlineData("https://hooks.slack.com.evil.invalid/actions", "https://slack.com/api/", false)]
    [InlineData("https://hooks.slack.com:8443/actions", "https://slack.com/api/", false)]
    [InlineData("https://attacker.invalid/actions", "https://slack.com/api/", false)]
    [InlineData("https://slack.com/api/chat.postMessage", "https://slack.com/api/", false)]
    [InlineData("http://127.0.0.1:5000/actions/T1/2/abc", "http://127.0.0.1:5000/api/", true)]
    [InlineData("http://127.0.0.1:5001/actions/T1/2/abc", "http://127.0.0.1:5000/api/", false)]
    public void Only_Slacks_hooks_host_or_the_configured_fake_may_be_a_response_url(string url, string apiBaseUrl, bool accepted)
    {
        Assert.Equal(accepted, SlackWebApi.IsResponseUrl(new Uri(url), new Uri(apiBaseUrl)));
    }

    [Fact]
    public async Task An_answer_to_a_presser_goes_to_the_response_url_and_nowhere_else()
    {
        var api = new SlackWebApi(_http, Microsoft.Extensions.Options.Options.Create(Options()), TimeProvider.System, NullLogger<SlackWebApi>.Instance);

        await api.RespondAsync(_slack.ResponseUrl(), new JsonObject { ["response_type"] = "ephemeral", ["text"] = "Allowed." }, CancellationToken.None);
        await Assert.ThrowsAnyAsync<ChatApiException>(() => api.RespondAsync(new Uri("https://attacker.invalid/x"), [], CancellationToken.None));

        var answer = Assert.Single(_slack.Calls);
        Assert.Equal("response_url", answer.Method);
        Assert.False(answer.Headers.ContainsKey("Authorization"));
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        for (var i = 0; i < 400 && !condition(); i++)
        {
            await Task.Delay(50);
        }
    }
}
