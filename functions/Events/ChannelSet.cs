namespace Serverless.Functions.Events;

/// <summary>
/// The channels someone may use, where <c>*</c> stands for every channel: a relay token's channels, or a
/// Telegram user's (those they were paired for, or every channel for <c>Telegram:AllowedUsers</c>).
/// </summary>
public static class ChannelSet
{
    public const string Every = "*";

    public static readonly IReadOnlySet<string> None = new HashSet<string>(StringComparer.Ordinal);

    public static readonly IReadOnlySet<string> All = new HashSet<string>([Every], StringComparer.Ordinal);

    public static bool Allows(IReadOnlySet<string> channels, string channel)
    {
        ArgumentNullException.ThrowIfNull(channels);
        return channels.Contains(Every) || channels.Contains(channel);
    }

    /// <summary>Names separated by commas, semicolons or spaces.</summary>
    public static IReadOnlySet<string> Parse(string? text) =>
        new HashSet<string>((text ?? string.Empty).Split([',', ';', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries), StringComparer.Ordinal);

    public static string Format(IEnumerable<string> channels) => string.Join(',', channels.Order(StringComparer.Ordinal));
}
