using System.Diagnostics.CodeAnalysis;

namespace Serverless.Functions.Chat.Slack;

/// <summary>
/// Where a Slack message goes: <c>slack:C0123ABC</c> (the conversation) or <c>slack:C0123ABC:1700000000.000100</c>
/// (a thread in it, named by its parent message's timestamp). <c>slack:U0123ABC</c> names a user's direct
/// conversation with the bot, which Slack opens when a message is posted to the user's id.
/// </summary>
public sealed record SlackChatReference(string Channel, string? Thread)
{
    public const string Prefix = "slack:";

    /// <summary>The conversation alone: what is bound to a relay channel and checked against the allowlist.</summary>
    public string Conversation => Prefix + Channel;

    public override string ToString() => Thread is null ? Conversation : $"{Conversation}:{Thread}";

    public static bool TryParse([NotNullWhen(true)] string? reference, [NotNullWhen(true)] out SlackChatReference? parsed)
    {
        parsed = null;
        if (reference is null || !reference.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return false;
        }

        var parts = reference[Prefix.Length..].Split(':');
        switch (parts)
        {
            case [var channel] when SlackIds.IsConversationId(channel) || SlackIds.IsUserId(channel):
                parsed = new SlackChatReference(channel, null);
                return true;
            case [var channel, var thread] when SlackIds.IsConversationId(channel) && SlackIds.IsTimestamp(thread):
                parsed = new SlackChatReference(channel, thread);
                return true;
            default:
                return false;
        }
    }
}
