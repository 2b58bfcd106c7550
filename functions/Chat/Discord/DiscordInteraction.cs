using System.Text.Json.Nodes;
using Serverless.Functions.Chat;
using Serverless.Functions.Sources;

namespace Serverless.Functions.Chat.Discord;

/// <summary>Discord's interaction types, the <c>type</c> of an interaction Discord posts to the endpoint.</summary>
public enum DiscordInteractionType
{
    Ping = 1,
    ApplicationCommand = 2,
    MessageComponent = 3,
}

/// <summary>One interaction read from its JSON: who, where, and what they sent or pressed.</summary>
public sealed record DiscordInteraction(
    DiscordInteractionType Type, string Id, string? UserId, string? UserName, string? ChannelId, bool IsGroup, JsonObject Payload)
{
    // The interaction context Discord calls PRIVATE_CHANNEL: a group DM, which is not a conversation with the bot alone.
    private const long PrivateChannelContext = 2;

    /// <summary>The interaction, or null when the body is not one (no id, an unknown type).</summary>
    public static DiscordInteraction? Parse(JsonNode? body)
    {
        if (body is not JsonObject payload || Json.Text(payload, "id") is not { } id || !DiscordIds.IsSnowflake(id)
            || Json.WholeNumber(payload, "type") is not { } type || !Enum.IsDefined((DiscordInteractionType)type))
        {
            return null;
        }

        // In a server the invoking user is member.user; in a direct message it is user.
        var user = payload["member"]?["user"] as JsonObject ?? payload["user"] as JsonObject;
        var userId = Json.Text(user, "id");
        var channelId = Json.Text(payload, "channel_id") ?? Json.Text(payload, "channel.id");
        // A server channel, or a group DM: anything but the bot's own direct messages with this person.
        var isGroup = Json.Text(payload, "guild_id") is not null || Json.WholeNumber(payload, "context") == PrivateChannelContext;
        return new DiscordInteraction(
            (DiscordInteractionType)type,
            id,
            DiscordIds.IsSnowflake(userId) ? userId : null,
            Json.Text(user, "username"),
            DiscordIds.IsSnowflake(channelId) ? channelId : null,
            isGroup,
            payload);
    }

    /// <summary>Where answers go: the server channel, or for a direct message its person (<see cref="DiscordIds"/>).</summary>
    public string? ChatReference => IsGroup
        ? ChannelId is null ? null : DiscordIds.ChannelReference(ChannelId)
        : UserId is null ? null : DiscordIds.UserReference(UserId);

    /// <summary>The slash command's <c>text</c> option, when this is that command.</summary>
    public string? CommandText =>
        Type == DiscordInteractionType.ApplicationCommand && Json.Text(Payload, "data.name") == DiscordSlashCommand.Name
            ? Json.Array(Payload, "data.options")?.OfType<JsonObject>()
                .FirstOrDefault(o => Json.Text(o, "name") == DiscordSlashCommand.TextOption) is { } option ? Json.Text(option, "value") : null
            : null;

    /// <summary>The pressed button's <c>custom_id</c>.</summary>
    public string? ButtonData => Type == DiscordInteractionType.MessageComponent ? Json.Text(Payload, "data.custom_id") : null;

    /// <summary>The slash command as the message every transport hands to the conversation; null when something it needs is missing.</summary>
    public ChatInboundMessage? ToMessage()
    {
        if (CommandText is not { } text || UserId is null || ChatReference is not { } chat)
        {
            return null;
        }

        // The event keeps the interaction whole but for its token, which could answer in the user's name for 15 minutes.
        var data = (JsonObject)Payload.DeepClone();
        data.Remove("token");
        return new ChatInboundMessage
        {
            UserId = UserId,
            UserName = UserName is { Length: > 0 } ? UserName : UserId,
            ChatReference = chat,
            Kind = IsGroup ? ChatKind.Group : ChatKind.Private,
            Text = text,
            // A slash command is addressed to the bot by definition, and leaves no message of its own.
            AddressedToBot = true,
            Data = data,
            DeliveryId = $"interaction:{Id}",
        };
    }

    public ChatButtonPress? ToButtonPress() =>
        ButtonData is { Length: > 0 } data && UserId is not null
            ? new ChatButtonPress(UserId, UserName is { Length: > 0 } ? UserName : UserId, data)
            : null;
}
