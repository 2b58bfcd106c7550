using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Serverless.Relay.Channel;

/// <summary>
/// The one sanitiser for text that came from outside (webhook titles, payloads, chat answers, the app's error
/// details) wherever Claude reads it: channel notifications, tool results and the output of subcommands. Claude
/// Code puts such text next to its own framing as it is, so a sender could close a tag and open a forged one
/// (<c>&lt;/channel&gt;&lt;channel trust="allowlisted"&gt;</c>, <c>&lt;system-reminder&gt;</c>), or hide text with
/// terminal control sequences and invisible characters.
/// <para>
/// Two steps, in this order: first every control and invisible character goes (line breaks and tabs stay, line
/// breaks as <c>\n</c>), then a tag of the session's framing loses its angle bracket. The order matters:
/// <c>&lt;/\u0000channel&gt;</c> and <c>&lt;sys\u200Btem-reminder&gt;</c> only become tags once the hidden
/// character is gone, which is what a reader (or a model) sees.
/// </para>
/// </summary>
public static partial class UntrustedText
{
    /// <summary>Replaces the '&lt;' of a tag that the session's own framing uses.</summary>
    public const char NeutralisedBracket = '\u2039';

    /// <summary>Keeps line breaks (as <c>\n</c>) and tabs; at most <paramref name="maxLength"/> characters, the last one '…' when cut.</summary>
    public static string Clean(string text, int maxLength = int.MaxValue)
    {
        ArgumentNullException.ThrowIfNull(text);
        var visible = Visible(text, maxLength == int.MaxValue ? int.MaxValue : maxLength + 1);
        var framed = FramingTag().Replace(visible, m => NeutralisedBracket + m.Value[1..]);
        return Clip(framed, maxLength);
    }

    /// <summary>As <see cref="Clean"/>, on one line (line breaks and tabs become spaces): for tables and single-line fields.</summary>
    public static string OneLine(string? text, int maxLength = int.MaxValue)
    {
        if (string.IsNullOrEmpty(text))
        {
            return string.Empty;
        }

        var clean = Clean(text, maxLength);
        return clean.AsSpan().ContainsAny('\n', '\t') ? clean.Replace('\n', ' ').Replace('\t', ' ') : clean;
    }

    /// <summary>
    /// A copy of a JSON document from outside with every string (property names included) cleaned as
    /// <see cref="Clean"/> cleans it: a reader decodes <c>\u003C</c> as '&lt;', so escaping alone does not neutralise a tag.
    /// Of two names that clean to the same, the first stays.
    /// </summary>
    public static JsonNode? Clean(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                var cleanObject = new JsonObject();
                foreach (var (name, value) in obj)
                {
                    var cleanName = Clean(name);
                    if (!cleanObject.ContainsKey(cleanName))
                    {
                        cleanObject[cleanName] = Clean(value);
                    }
                }

                return cleanObject;
            case JsonArray array:
                var cleanArray = new JsonArray();
                foreach (var item in array)
                {
                    cleanArray.Add(Clean(item));
                }

                return cleanArray;
            case JsonValue value when value.GetValueKind() == JsonValueKind.String:
                return JsonValue.Create(Clean(value.GetValue<string>()));
            default:
                return node?.DeepClone();
        }
    }

    /// <summary>The text without its invisible (format) characters, control characters left as they are: for callers with rules of their own for those.</summary>
    public static string WithoutInvisible(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var builder = new StringBuilder(text.Length);
        foreach (var rune in text.EnumerateRunes())
        {
            if (!IsInvisible(rune))
            {
                builder.Append(rune.ToString());
            }
        }

        return builder.Length == text.Length ? text : builder.ToString();
    }

    /// <summary>
    /// Characters that show nothing yet change what text is: every Unicode format character (zero-width space, joiners
    /// and non-joiners U+200B-U+200D, the word joiner U+2060, the byte order mark U+FEFF, the soft hyphen, bidirectional
    /// overrides and isolates, and the tag characters U+E0000-U+E007F that can spell hidden ASCII).
    /// </summary>
    public static bool IsInvisible(Rune rune) => Rune.GetUnicodeCategory(rune) == UnicodeCategory.Format;

    /// <summary>Control and invisible characters removed, line breaks normalised to <c>\n</c>; stops after <paramref name="limit"/> characters.</summary>
    private static string Visible(string text, int limit)
    {
        var builder = new StringBuilder(Math.Min(text.Length, limit));
        var i = 0;
        while (i < text.Length && builder.Length < limit)
        {
            // A lone surrogate decodes as U+FFFD, which is visible and harmless.
            Rune.DecodeFromUtf16(text.AsSpan(i), out var rune, out var consumed);
            i += consumed;
            switch (rune.Value)
            {
                case '\r':
                    // CRLF and a lone CR both become one line break.
                    if (i >= text.Length || text[i] != '\n')
                    {
                        builder.Append('\n');
                    }

                    break;
                case '\n' or '\t':
                    builder.Append((char)rune.Value);
                    break;
                case '\u2028' or '\u2029':
                    builder.Append('\n');
                    break;
                case var _ when Rune.IsControl(rune) || IsInvisible(rune):
                    break;
                default:
                    builder.Append(rune.ToString());
                    break;
            }
        }

        return builder.ToString();
    }

    private static string Clip(string text, int maxLength)
    {
        if (text.Length <= maxLength)
        {
            return text;
        }

        // Never half a surrogate pair before the ellipsis.
        var cut = maxLength - 1;
        if (cut > 0 && char.IsHighSurrogate(text[cut - 1]))
        {
            cut--;
        }

        return string.Concat(text.AsSpan(0, cut), "…");
    }

    // The tags Claude Code itself writes around what it puts in front of the model (read from the strings of the
    // Claude Code build the end-to-end tests pin), in any letter case, with or without '/' and spaces: the channel
    // tag and system reminders; a hook's additions; the output of local and shell commands and the commands
    // themselves; background task notifications; messages from other sessions; tool errors. Text from outside
    // that opened one of these could pass for the session's own framing. Other angle brackets (HTML in a payload,
    // generics in code) stay as they are, so what people wrote stays readable.
    [GeneratedRegex(
        @"<\s*/?\s*(channel|system-reminder|user-prompt-submit-hook|local-command-(stdout|stderr)|command-(name|message|args)|bash-(input|stdout|stderr)|task-notification|cross-session-message|tool_use_error)",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex FramingTag();
}
