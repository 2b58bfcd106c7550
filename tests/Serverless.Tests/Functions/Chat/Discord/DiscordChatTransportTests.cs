using Serverless.Functions.Chat;
using Serverless.Functions.Chat.Discord;
using Serverless.Testing;

namespace Serverless.Tests.Functions.Chat.Discord;

public sealed class DiscordChatTransportTests : DiscordApiHarness
{
    [Fact]
    public async Task A_message_to_a_person_goes_to_their_direct_message_channel_which_is_asked_for_once()
    {
        var transport = Transport();

        var first = await transport.SendAsync(new ChatOutgoingMessage("discord:@42", "one"), CancellationToken.None);
        await transport.SendAsync(new ChatOutgoingMessage("42", "two"), CancellationToken.None);

        Assert.Equal("discord:@42", first.ChatReference);
        Assert.Single(Fake.Calls, c => c.Path == "users/@me/channels");
        Assert.Equal(["one", "two"], Fake.Messages(FakeDiscordApi.DirectChannelOf("42")).Select(m => (string?)m["content"]));
    }

    [Fact]
    public async Task Permission_buttons_become_one_action_row_with_discords_styles()
    {
        var transport = Transport();
        IReadOnlyList<IReadOnlyList<ChatButton>> rows =
        [
            [new ChatButton("See more", "perm:more:abcde")],
            [new ChatButton("✅ Allow", "perm:allow:abcde", ChatButtonStyle.Primary), new ChatButton("❌ Deny", "perm:deny:abcde", ChatButtonStyle.Danger)],
        ];

        var sent = await transport.SendAsync(new ChatOutgoingMessage("discord:500", "Claude wants to run Bash") { Buttons = rows }, CancellationToken.None);

        var components = Fake.Messages("500").Single()["components"]!.AsArray();
        Assert.Equal(2, components.Count);
        Assert.All(components, row => Assert.Equal(1, (int)row!["type"]!));
        var buttons = components.SelectMany(r => r!["components"]!.AsArray()).ToList();
        Assert.All(buttons, b => Assert.Equal(2, (int)b!["type"]!));
        Assert.Equal([2, 1, 4], buttons.Select(b => (int)b!["style"]!));
        Assert.Equal(["perm:more:abcde", "perm:allow:abcde", "perm:deny:abcde"], buttons.Select(b => (string?)b!["custom_id"]));
        Assert.True(DiscordIds.IsSnowflake(sent.MessageId));
    }

    [Fact]
    public async Task Edit_and_react_address_the_message_in_its_channel()
    {
        var transport = Transport();

        await transport.EditAsync("discord:500", "600", "Allowed", ChatTextFormat.Plain, CancellationToken.None);
        await transport.ReactAsync("discord:500", "601", "👍", CancellationToken.None);

        Assert.Equal(
            [("PATCH", "channels/500/messages/600"), ("PUT", "channels/500/messages/601/reactions/👍/@me")],
            Fake.Calls.Select(c => (c.Method, c.Path)));
    }

    [Theory]
    [InlineData("slack:C0123")]
    [InlineData("discord:abc")]
    [InlineData("discord:@")]
    public async Task A_reference_that_is_not_discords_is_refused_before_any_call(string reference)
    {
        await Assert.ThrowsAsync<ChatApiException>(() => Transport().SendAsync(new ChatOutgoingMessage(reference, "x"), CancellationToken.None));
        Assert.Empty(Fake.Calls);
    }

    [Fact]
    public void Conversations_groups_and_notification_chats_follow_the_settings()
    {
        var transport = Transport(o => o.NotificationChats["ops"] = "700");

        Assert.Equal("discord:@42", transport.ConversationOf("42"));
        Assert.Equal("discord:500", transport.ConversationOf("discord:500"));
        Assert.Null(transport.ConversationOf("slack:C1"));
        Assert.True(transport.IsAllowedGroup("discord:500"));
        Assert.False(transport.IsAllowedGroup("discord:501"));
        Assert.False(transport.IsAllowedGroup("discord:@500"));
        Assert.Equal("discord:700", transport.NotificationChat("ops"));
        Assert.Null(transport.NotificationChat("default"));
        Assert.Equal(2000, transport.MaxMessageLength);
    }

    [Theory]
    [InlineData(ChatReceipts.PrivateChats, "discord:@42", true)]
    [InlineData(ChatReceipts.PrivateChats, "discord:500", false)]
    [InlineData(ChatReceipts.AllChats, "discord:500", true)]
    [InlineData(ChatReceipts.Off, "discord:@42", false)]
    public void Receipts_go_to_the_conversations_the_setting_names(ChatReceipts receipts, string chat, bool wanted)
    {
        Assert.Equal(wanted, Transport(o => o.Receipts = receipts).WantsReceipt(chat));
    }
}
