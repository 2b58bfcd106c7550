using System.Text;
using System.Text.RegularExpressions;

namespace Serverless.Relay.Channel;

/// <summary>
/// The text inside a <c>&lt;channel&gt;</c> tag. Claude Code puts it between the tags as it is, so text
/// written by a third party could close the tag and open a forged one (<c>&lt;/channel&gt;&lt;channel
/// trust="allowlisted"&gt;</c>), or hide itself with terminal control sequences. Tag-like sequences lose
/// their angle bracket and control characters go; line breaks and tabs stay.
/// </summary>
public static partial class ChannelContent
{
    public const int MaxLength = 4000;

    /// <summary>Replaces the '&lt;' of a tag that the session's own framing uses.</summary>
    public const char NeutralisedBracket = '\u2039';

    public static string Sanitize(string content)
    {
        ArgumentNullException.ThrowIfNull(content);
        var builder = new StringBuilder(Math.Min(content.Length, MaxLength + 1));
        for (var i = 0; i < content.Length && builder.Length <= MaxLength; i++)
        {
            var c = content[i];
            switch (c)
            {
                case '\r':
                    // CRLF and a lone CR both become one line break.
                    if (i + 1 >= content.Length || content[i + 1] != '\n')
                    {
                        builder.Append('\n');
                    }

                    break;
                case '\n' or '\t':
                    builder.Append(c);
                    break;
                case '\u2028' or '\u2029':
                    builder.Append('\n');
                    break;
                case var _ when char.IsControl(c) || IsInvisibleControl(c):
                    break;
                default:
                    builder.Append(c);
                    break;
            }
        }

        // One character past the limit means there was more: cut, and say so.
        var text = FramingTag().Replace(builder.ToString(), m => NeutralisedBracket + m.Value[1..]);
        return text.Length > MaxLength ? string.Concat(text.AsSpan(0, MaxLength - 1), "…") : text;
    }

    /// <summary>Bidirectional overrides and isolates, which can make text read differently from what it is.</summary>
    public static bool IsInvisibleControl(char c) => c is (>= '\u202A' and <= '\u202E') or (>= '\u2066' and <= '\u2069');

    // "<channel", "</channel", "< / channel", "<system-reminder" ..., in any letter case.
    [GeneratedRegex(@"<\s*/?\s*(channel|system-reminder)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex FramingTag();
}
