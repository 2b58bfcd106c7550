namespace Serverless.Functions.Chat;

/// <summary>Splits text into chat messages (Telegram: at most 4,096 characters), at paragraph, then line, then word boundaries.</summary>
public static class MessageSplitter
{
    public const int MaxLength = 4096;

    public static IReadOnlyList<string> Split(string text, int maxLength = MaxLength)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parts = new List<string>();
        var rest = text.AsSpan();
        while (rest.Length > maxLength)
        {
            var window = rest[..maxLength];
            var cut = Best(window, "\n\n", maxLength / 2) ?? Best(window, "\n", maxLength / 2) ?? Best(window, " ", maxLength / 2) ?? maxLength;
            parts.Add(rest[..cut].TrimEnd().ToString());
            rest = rest[cut..].TrimStart();
        }

        if (rest.Length > 0 || parts.Count == 0)
        {
            parts.Add(rest.ToString());
        }

        return parts;
    }

    // The last separator in the second half of the window, so no part is absurdly short.
    private static int? Best(ReadOnlySpan<char> window, string separator, int minimum)
    {
        var at = window.LastIndexOf(separator, StringComparison.Ordinal);
        return at >= minimum ? at + separator.Length : null;
    }
}
