namespace Serverless.Functions.Telegram.Access;

/// <summary>
/// Which channels a Telegram user may reach: those they were paired for (by that channel's relay), or
/// every channel for the users of <c>Telegram:AllowedUsers</c>, whom the deployment's owner named.
/// </summary>
public static class ChannelAccess
{
    public const string Every = "*";

    public static readonly IReadOnlySet<string> None = new HashSet<string>(StringComparer.Ordinal);

    public static readonly IReadOnlySet<string> All = new HashSet<string>([Every], StringComparer.Ordinal);

    public static bool Allows(IReadOnlySet<string> channels, string channel)
    {
        ArgumentNullException.ThrowIfNull(channels);
        return channels.Contains(Every) || channels.Contains(channel);
    }

    public static IReadOnlySet<string> Parse(string? stored) =>
        new HashSet<string>((stored ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries), StringComparer.Ordinal);

    public static string Format(IEnumerable<string> channels) => string.Join(',', channels.Order(StringComparer.Ordinal));
}
