using System.Text.Json.Nodes;
using Serverless.Functions.Chat;
using Serverless.Functions.Chat.Discord;
using Serverless.Testing;

namespace Serverless.Tests.Functions.Chat.Discord;

/// <summary>Interactions as Discord posts them (shapes from its documentation), read into the neutral message and button press.</summary>
public class DiscordInteractionTests
{
    // As the endpoint reads it: parsed from the JSON text (a node built from CLR ints reads as no number).
    private static DiscordInteraction? Parse(JsonNode body) => DiscordInteraction.Parse(JsonNode.Parse(body.ToJsonString()));

    [Fact]
    public void A_command_in_a_server_channel_is_a_group_message_from_the_member_in_that_channel()
    {
        var message = Parse(DiscordPayloads.Command("deploy it", guildId: "300"))!.ToMessage()!;

        Assert.Equal(("42", "ann", "discord:500", ChatKind.Group, "deploy it"), (message.UserId, message.UserName, message.ChatReference, message.Kind, message.Text));
        Assert.Equal("interaction:1100000000000000001", message.DeliveryId);
        Assert.True(message.AddressedToBot);
        Assert.Null(message.MessageId);
    }

    [Fact]
    public void A_command_in_a_direct_message_is_a_private_message_addressed_by_its_person()
    {
        var message = Parse(DiscordPayloads.Command("hello", guildId: null))!.ToMessage()!;

        Assert.Equal(("42", "discord:@42", ChatKind.Private), (message.UserId, message.ChatReference, message.Kind));
    }

    [Fact]
    public void The_event_keeps_the_interaction_but_not_its_token()
    {
        var message = Parse(DiscordPayloads.Command("hello", guildId: null))!.ToMessage()!;

        Assert.Null(message.Data!["token"]);
        Assert.Equal("claude", (string?)message.Data["data"]!["name"]);
    }

    [Fact]
    public void A_group_dm_without_a_guild_is_not_taken_for_a_private_chat()
    {
        var payload = DiscordPayloads.Command("hi", guildId: null);
        payload["context"] = 2;

        Assert.Equal(ChatKind.Group, Parse(payload)!.ToMessage()!.Kind);
    }

    [Fact]
    public void A_button_press_carries_the_custom_id_and_the_presser()
    {
        var press = Parse(DiscordPayloads.Button("perm:allow:abcde", guildId: "300"))!.ToButtonPress();

        Assert.Equal(new ChatButtonPress("42", "ann", "perm:allow:abcde"), press);
    }

    [Fact]
    public void Another_command_or_a_body_that_is_no_interaction_gives_nothing()
    {
        var other = DiscordPayloads.Command("x", guildId: null);
        other["data"]!["name"] = "other";

        Assert.Null(Parse(other)!.ToMessage());
        Assert.Null(Parse(new JsonObject { ["type"] = 2 }));
        Assert.Null(Parse(new JsonObject { ["id"] = "1", ["type"] = 99 }));
        Assert.Null(Parse(new JsonArray()));
        Assert.Equal(DiscordInteractionType.Ping, Parse(new JsonObject { ["id"] = "1", ["type"] = 1 })!.Type);
    }
}
