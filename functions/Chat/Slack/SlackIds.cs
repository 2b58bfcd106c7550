using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;

namespace Serverless.Functions.Chat.Slack;

/// <summary>The shapes of Slack's ids and message timestamps, checked before they go into a chat reference or a call.</summary>
public static partial class SlackIds
{
    /// <summary>A user (<c>U...</c>) or an Enterprise Grid user (<c>W...</c>).</summary>
    public static bool IsUserId([NotNullWhen(true)] string? id) => id is not null && UserId().IsMatch(id);

    /// <summary>A channel (<c>C...</c>), a private channel (<c>G...</c>) or a direct message (<c>D...</c>).</summary>
    public static bool IsConversationId([NotNullWhen(true)] string? id) => id is not null && ConversationId().IsMatch(id);

    /// <summary>A direct message conversation: Slack gives them ids starting with D.</summary>
    public static bool IsDirectMessage(string conversationId) => conversationId.StartsWith('D');

    /// <summary>A message timestamp, which is also its id: <c>1700000000.000100</c>.</summary>
    public static bool IsTimestamp([NotNullWhen(true)] string? ts) => ts is not null && Timestamp().IsMatch(ts);

    [GeneratedRegex(@"\A[UW][A-Z0-9]{2,40}\z")]
    private static partial Regex UserId();

    [GeneratedRegex(@"\A[CGD][A-Z0-9]{2,40}\z")]
    private static partial Regex ConversationId();

    [GeneratedRegex(@"\A[0-9]{1,12}\.[0-9]{1,9}\z")]
    private static partial Regex Timestamp();
}
