using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Serverless.Functions.Chat;

namespace Serverless.Functions.Chat.Slack;

/// <summary>
/// A message as Block Kit: the text in <c>section</c> blocks (<c>mrkdwn</c> for markdown, <c>plain_text</c>
/// otherwise, so plain text shows exactly as written) and each row of buttons in an <c>actions</c> block. The
/// top-level <c>text</c> carries the same words for notifications and search.
/// </summary>
public static partial class SlackBlocks
{
    /// <summary>Slack refuses a section whose text is longer (invalid_blocks).</summary>
    public const int MaxSectionText = 3000;

    /// <summary>A button's label is at most 75 characters.</summary>
    public const int MaxButtonText = 75;

    public static JsonArray For(string text, ChatTextFormat format, IReadOnlyList<IReadOnlyList<ChatButton>> buttons)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(buttons);
        var blocks = new JsonArray();
        foreach (var part in MessageSplitter.Split(text.Length == 0 ? " " : format == ChatTextFormat.Markdown ? WithoutMentions(text) : text, MaxSectionText))
        {
            blocks.Add(new JsonObject
            {
                ["type"] = "section",
                ["text"] = new JsonObject { ["type"] = format == ChatTextFormat.Markdown ? "mrkdwn" : "plain_text", ["text"] = part.Length == 0 ? " " : part },
            });
        }

        foreach (var row in buttons.Where(r => r.Count > 0))
        {
            blocks.Add(new JsonObject { ["type"] = "actions", ["elements"] = new JsonArray([.. row.Select(Button)]) });
        }

        return blocks;
    }

    /// <summary>
    /// The top-level text, read as mrkdwn: plain text has its three control characters escaped, as Slack asks,
    /// so <c>&lt;</c> and <c>&gt;</c> show as written instead of opening a link or a mention.
    /// </summary>
    public static string FallbackText(string text, ChatTextFormat format)
    {
        ArgumentNullException.ThrowIfNull(text);
        return WithoutMentions(format == ChatTextFormat.Markdown
            ? text
            : text.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal));
    }

    /// <summary>
    /// The text with its mentions made inert, as <c>allowed_mentions</c> does on Discord: a reply may carry words a third
    /// party wrote, which must not ping a whole channel (<c>&lt;!channel&gt;</c>, <c>&lt;!here&gt;</c>, <c>&lt;!everyone&gt;</c>),
    /// a user group (<c>&lt;!subteam^ID&gt;</c>) or a user (<c>&lt;@U…&gt;</c>). Slack has no switch for that, so the manual
    /// forms lose their opening bracket to <c>&amp;lt;</c> (shown as written), and the bare words Slack may link by itself
    /// (<c>@channel</c>, <c>@here</c>, <c>@everyone</c>) get a word joiner after the <c>@</c>; links and formatting stay.
    /// </summary>
    public static string WithoutMentions(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return BareMention().Replace(ManualMention().Replace(text, "&lt;"), "@\u2060");
    }

    [GeneratedRegex("<(?=[!@])")]
    private static partial Regex ManualMention();

    [GeneratedRegex(@"@(?=(?:channel|here|everyone)\b)", RegexOptions.IgnoreCase)]
    private static partial Regex BareMention();

    private static JsonObject Button(ChatButton button)
    {
        var label = button.Text.Length > MaxButtonText ? button.Text[..(MaxButtonText - 1)] + "…" : button.Text;
        var element = new JsonObject
        {
            ["type"] = "button",
            ["text"] = new JsonObject { ["type"] = "plain_text", ["text"] = label, ["emoji"] = true },
            // The data is both: action_id must be unique in its block, and the value is what comes back.
            ["action_id"] = button.Data,
            ["value"] = button.Data,
        };
        if (button.Style != ChatButtonStyle.Default)
        {
            element["style"] = button.Style == ChatButtonStyle.Primary ? "primary" : "danger";
        }

        return element;
    }
}
