using System.Globalization;

namespace Serverless.Functions.Chat.Discord;

/// <summary>
/// Discord's ids (snowflakes: 64-bit numbers sent as strings) and the chat references built from them: a
/// server channel is <c>discord:CHANNEL_ID</c>; a direct message is addressed by its person,
/// <c>discord:@USER_ID</c>, because the users allowed by configuration are known by user id alone and their
/// direct message channel is only found by asking Discord.
/// </summary>
public static class DiscordIds
{
    /// <summary>The transport's name: the prefix of its chat references, the events' kind.</summary>
    public const string Transport = ChatTransportNames.Discord;

    private const string Prefix = Transport + ":";
    private const string UserPrefix = Prefix + "@";

    public static bool IsSnowflake(string? id) =>
        id is { Length: > 0 and <= 20 } && id.All(char.IsAsciiDigit) && ulong.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out _);

    /// <summary><c>discord:CHANNEL_ID</c>: a server channel (or thread).</summary>
    public static string ChannelReference(string channelId) => Prefix + channelId;

    /// <summary><c>discord:@USER_ID</c>: the direct messages between the bot and this person.</summary>
    public static string UserReference(string userId) => UserPrefix + userId;

    /// <summary>
    /// What a chat reference addresses; a bare id is a user's (the access store names users allowed by
    /// configuration that way). Null when it is not a Discord reference.
    /// </summary>
    public static DiscordAddress? Parse(string? chatReference)
    {
        if (chatReference is null)
        {
            return null;
        }

        if (chatReference.StartsWith(UserPrefix, StringComparison.Ordinal))
        {
            return IsSnowflake(chatReference[UserPrefix.Length..]) ? new DiscordAddress(chatReference[UserPrefix.Length..], IsUser: true) : null;
        }

        if (chatReference.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return IsSnowflake(chatReference[Prefix.Length..]) ? new DiscordAddress(chatReference[Prefix.Length..], IsUser: false) : null;
        }

        return IsSnowflake(chatReference) ? new DiscordAddress(chatReference, IsUser: true) : null;
    }
}

/// <summary>A server channel's id, or a user's whose direct messages are meant.</summary>
public sealed record DiscordAddress(string Id, bool IsUser)
{
    public string Reference => IsUser ? DiscordIds.UserReference(Id) : DiscordIds.ChannelReference(Id);
}
