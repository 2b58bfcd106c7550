using System.Text;

namespace Serverless.Relay.Channel;

/// <summary>
/// Meta for a channel notification. Claude Code renders meta as attributes of the <c>&lt;channel&gt;</c>
/// tag, so keys are identifiers and values lose the characters a sender could use to break out of it.
/// </summary>
public static class ChannelMeta
{
    public const int MaxValueLength = 256;

    public static string? SanitizeKey(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var builder = new StringBuilder(key.Length);
        foreach (var c in key)
        {
            if (char.IsAsciiLetterOrDigit(c) || c == '_')
            {
                builder.Append(c);
            }
        }

        return builder.Length == 0 ? null : builder.ToString();
    }

    public static string SanitizeValue(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var builder = new StringBuilder(Math.Min(value.Length, MaxValueLength));
        foreach (var c in value)
        {
            if (builder.Length >= MaxValueLength)
            {
                break;
            }

            builder.Append(c switch
            {
                '<' or '[' => '(',
                '>' or ']' => ')',
                '"' => '\'',
                '\r' or '\n' or '\u2028' or '\u2029' or '\t' => ' ',
                _ when char.IsControl(c) => ' ',
                _ => c,
            });
        }

        return builder.ToString();
    }
}
