using System.Collections.Frozen;
using System.Text.RegularExpressions;

namespace Serverless.Functions.Chat.Slack;

/// <summary>
/// Slack reactions are named (<c>eyes</c>, <c>white_check_mark</c>), not emoji: the common emoji the
/// tools and receipts use are mapped to their names, and a bare name (or <c>:name:</c>) passes as it is.
/// </summary>
public static partial class SlackEmoji
{
    private static readonly FrozenDictionary<string, string> Names = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["👀"] = "eyes",
        ["👍"] = "+1",
        ["👎"] = "-1",
        ["✅"] = "white_check_mark",
        ["✔"] = "heavy_check_mark",
        ["❌"] = "x",
        ["🎉"] = "tada",
        ["❤"] = "heart",
        ["🔥"] = "fire",
        ["🙏"] = "pray",
        ["👌"] = "ok_hand",
        ["👏"] = "clap",
        ["🚀"] = "rocket",
        ["🤔"] = "thinking_face",
        ["😂"] = "joy",
        ["😀"] = "grinning",
        ["🙂"] = "slightly_smiling_face",
        ["💯"] = "100",
        ["⚠"] = "warning",
        ["🐛"] = "bug",
        ["⏳"] = "hourglass_flowing_sand",
        ["🛠"] = "hammer_and_wrench",
        ["🔍"] = "mag",
        ["📝"] = "memo",
        ["🆗"] = "ok",
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>The reaction name for an emoji or a name; null when it is neither.</summary>
    public static string? ToName(string? emoji)
    {
        if (string.IsNullOrWhiteSpace(emoji))
        {
            return null;
        }

        // Variation selectors (❤️ is ❤ + U+FE0F) do not change which reaction is meant.
        var key = emoji.Trim().Replace("\uFE0F", string.Empty, StringComparison.Ordinal);
        if (Names.TryGetValue(key, out var name))
        {
            return name;
        }

        key = key.Trim(':');
        return ReactionName().IsMatch(key) ? key : null;
    }

    // Slack's emoji names: lower-case letters, digits and _ + - ' (e.g. +1, skin-tone-2).
    [GeneratedRegex(@"\A[a-z0-9_+\-']{1,100}\z")]
    private static partial Regex ReactionName();
}
