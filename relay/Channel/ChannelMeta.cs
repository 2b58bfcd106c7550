using System.Text;

namespace Serverless.Relay.Channel;

/// <summary>
/// Meta for a channel notification. Claude Code renders meta as attributes of the <c>&lt;channel&gt;</c>
/// tag: it silently drops a key that is not an identifier, and sets <c>source</c> itself, so keys are
/// identifiers other than <c>source</c>, and values lose the characters a sender could use to break out.
/// </summary>
public static class ChannelMeta
{
    public const int MaxValueLength = 256;

    /// <summary>The attribute Claude Code writes from the server name; a meta key of that name would forge it.</summary>
    public const string ReservedKey = "source";

    /// <summary>Whether Claude Code keeps this key: <c>^[a-zA-Z_][a-zA-Z0-9_]*$</c>, and not <see cref="ReservedKey"/>.</summary>
    public static bool IsValidKey(string? key)
    {
        if (string.IsNullOrEmpty(key) || key == ReservedKey || !(char.IsAsciiLetter(key[0]) || key[0] == '_'))
        {
            return false;
        }

        foreach (var c in key)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c != '_')
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The key with only identifier characters, prefixed with '_' where it would start with a digit; null when nothing usable is left.</summary>
    public static string? SanitizeKey(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var builder = new StringBuilder(key.Length + 1);
        foreach (var c in key)
        {
            if (char.IsAsciiLetterOrDigit(c) || c == '_')
            {
                builder.Append(c);
            }
        }

        if (builder.Length > 0 && char.IsAsciiDigit(builder[0]))
        {
            builder.Insert(0, '_');
        }

        var sanitized = builder.ToString();
        return IsValidKey(sanitized) ? sanitized : null;
    }

    public static string SanitizeValue(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var builder = new StringBuilder(Math.Min(value.Length, MaxValueLength));
        // Invisible characters go first (the shared rule of UntrustedText), so none can hide inside a value.
        foreach (var c in UntrustedText.WithoutInvisible(value))
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
