namespace Serverless.Functions.Chat.Discord;

/// <summary>The answer to an interaction, in the HTTP response itself: <c>{"type":1}</c> for a PING, else a message.</summary>
public sealed record DiscordInteractionResponse(DiscordCallbackType Type, DiscordResponseMessage? Data = null)
{
    public static readonly DiscordInteractionResponse Pong = new(DiscordCallbackType.Pong);

    /// <summary>A message only the person who used the command or pressed the button sees.</summary>
    public static DiscordInteractionResponse Ephemeral(string content) => new(
        DiscordCallbackType.ChannelMessageWithSource,
        new DiscordResponseMessage(content.Length <= DiscordChatTransport.MaxLength ? content : content[..(DiscordChatTransport.MaxLength - 1)] + "…", DiscordResponseMessage.EphemeralFlag, new DiscordAllowedMentions([])));
}

/// <summary>Discord's interaction callback types (numbers on the wire).</summary>
public enum DiscordCallbackType
{
    Pong = 1,
    ChannelMessageWithSource = 4,
}

public sealed record DiscordResponseMessage(string Content, int Flags, DiscordAllowedMentions AllowedMentions)
{
    /// <summary>Message flag EPHEMERAL (1 &lt;&lt; 6).</summary>
    public const int EphemeralFlag = 64;
}

/// <summary>Which mentions in the text ping someone: none.</summary>
public sealed record DiscordAllowedMentions(IReadOnlyList<string> Parse);
