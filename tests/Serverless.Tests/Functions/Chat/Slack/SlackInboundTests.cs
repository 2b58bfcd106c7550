using System.Text.Json.Nodes;
using Serverless.Functions.Chat;
using Serverless.Functions.Chat.Slack;
using Serverless.Testing;

namespace Serverless.Tests.Functions.Chat.Slack;

/// <summary>Events API and interaction payloads, as Slack documents them, read into the neutral chat records.</summary>
public sealed class SlackInboundTests
{
    private const string Bot = "UBOT0001";

    private static JsonObject Envelope(JsonObject message) => SlackRequests.Envelope(message, "Ev0001", Bot);

    private static JsonObject DirectMessage(string text, string user = "U0OWNER1", string ts = "1700000000.000100") =>
        SlackRequests.DirectMessage(user, text, ts);

    private static JsonObject Mention(string text, string user = "U0OWNER1", string ts = "1700000000.000200", string? threadTs = null)
    {
        var mention = SlackRequests.Mention(user, text, ts);
        if (threadTs is not null)
        {
            mention["thread_ts"] = threadTs;
        }

        return mention;
    }

    [Fact]
    public void A_direct_message_is_private_and_answered_in_the_conversation()
    {
        var read = SlackInbound.ReadEvent(Envelope(DirectMessage("deploy status?")), Bot);

        var message = Assert.IsType<ChatInboundMessage>(read.Message);
        Assert.Equal(("U0OWNER1", "slack:D0DM0001", ChatKind.Private, "deploy status?", "1700000000.000100"),
            (message.UserId, message.ChatReference, message.Kind, message.Text, message.MessageId));
        Assert.False(message.AddressedToBot);
        Assert.Null(message.ReplyTo);
        Assert.Equal("message:D0DM0001:1700000000.000100", message.DeliveryId);
    }

    [Fact]
    public void A_direct_message_in_a_thread_is_answered_in_that_thread()
    {
        var dm = DirectMessage("and now?", ts: "1700000000.000300");
        dm["thread_ts"] = "1700000000.000100";

        var message = SlackInbound.ReadEvent(Envelope(dm), Bot).Message!;

        Assert.Equal("slack:D0DM0001:1700000000.000100", message.ChatReference);
        Assert.Equal("1700000000.000100", message.ReplyTo);
    }

    [Fact]
    public void A_mention_at_the_top_of_a_channel_is_answered_in_a_thread_under_it_without_the_mention_in_its_text()
    {
        var message = SlackInbound.ReadEvent(Envelope(Mention($"<@{Bot}> is CI green?")), Bot).Message!;

        Assert.Equal(("slack:C0TEAM01:1700000000.000200", ChatKind.Group, true, "is CI green?"),
            (message.ChatReference, message.Kind, message.AddressedToBot, message.Text));
    }

    [Fact]
    public void A_mention_inside_a_thread_is_answered_in_that_thread()
    {
        var message = SlackInbound.ReadEvent(Envelope(Mention($"<@{Bot}> and the logs?", threadTs: "1700000000.000050")), Bot).Message!;

        Assert.Equal("slack:C0TEAM01:1700000000.000050", message.ChatReference);
        Assert.Equal("and the logs?", message.Text);
    }

    [Fact]
    public void Without_the_bots_id_only_a_leading_mention_is_cut()
    {
        var message = SlackInbound.ReadEvent(Envelope(Mention("<@UOTHER99|someone> ask <@U0COLL01>")), null).Message!;

        Assert.Equal("ask <@U0COLL01>", message.Text);
    }

    [Theory]
    [InlineData("bot_id")]
    [InlineData("message_changed")]
    [InlineData("bot_message")]
    [InlineData("message_deleted")]
    [InlineData("own")]
    public void Bots_edits_and_the_bots_own_messages_are_ignored(string variant)
    {
        var dm = DirectMessage("hello", user: variant == "own" ? Bot : "U0OWNER1");
        if (variant == "bot_id")
        {
            dm["bot_id"] = "B0001";
        }
        else if (variant != "own")
        {
            dm["subtype"] = variant;
        }

        var read = SlackInbound.ReadEvent(Envelope(dm), Bot);

        Assert.Null(read.Message);
        Assert.NotNull(read.IgnoredBecause);
    }

    [Fact]
    public void A_plain_channel_message_is_ignored_as_only_mentions_are_for_the_bot()
    {
        var message = DirectMessage("chatter");
        message["channel"] = "C0TEAM01";
        message["channel_type"] = "channel";

        Assert.Null(SlackInbound.ReadEvent(Envelope(message), Bot).Message);
    }

    [Fact]
    public void Shared_files_are_named_after_the_text()
    {
        var dm = DirectMessage("the log");
        dm["subtype"] = "file_share";
        dm["files"] = new JsonArray(new JsonObject { ["id"] = "F0001", ["name"] = "build.log", ["mimetype"] = "text/plain" });

        var message = SlackInbound.ReadEvent(Envelope(dm), Bot).Message!;

        Assert.Equal("[file attached: build.log (text/plain), file id F0001]", Assert.Single(message.Attachments));
    }

    [Fact]
    public void The_envelope_names_the_bots_user_id()
    {
        Assert.Equal(Bot, SlackInbound.BotUserIdOf(Envelope(DirectMessage("x"))));
    }

    [Fact]
    public void A_button_press_carries_the_presser_the_buttons_value_and_the_response_url()
    {
        var payload = JsonNode.Parse("""
            {
              "type": "block_actions",
              "user": { "id": "U0OWNER1", "username": "owner", "name": "owner", "team_id": "T0001" },
              "api_app_id": "A0001",
              "container": { "type": "message", "message_ts": "1700000000.000100", "channel_id": "D0DM0001" },
              "channel": { "id": "D0DM0001", "name": "directmessage" },
              "response_url": "https://hooks.slack.com/actions/T0001/1/abc",
              "actions": [ { "action_id": "perm:allow:abcde", "block_id": "b1", "value": "perm:allow:abcde", "type": "button", "action_ts": "1700000001.000000" } ]
            }
            """)!.AsObject();

        var press = SlackInbound.ReadInteraction(payload)!;

        Assert.Equal(new ChatButtonPress("U0OWNER1", "owner", "perm:allow:abcde"), press.Press);
        Assert.Equal(new Uri("https://hooks.slack.com/actions/T0001/1/abc"), press.ResponseUrl);
    }

    [Fact]
    public void Other_interactions_are_not_button_presses()
    {
        Assert.Null(SlackInbound.ReadInteraction(new JsonObject { ["type"] = "view_submission", ["user"] = new JsonObject { ["id"] = "U0OWNER1" } }));
    }
}
