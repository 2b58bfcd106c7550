using System.Text.RegularExpressions;

namespace Serverless.Contracts;

/// <summary>Channel names: <c>[a-z0-9-]{1,40}</c>, safe in a URL, a queue name and a group name.</summary>
public static partial class ChannelName
{
    public const string Rule = "a channel name is 1 to 40 characters of a-z, 0-9 and '-'";

    public static bool IsValid(string? name) => name is not null && Pattern().IsMatch(name);

    [GeneratedRegex(@"\A[a-z0-9-]{1,40}\z")]
    private static partial Regex Pattern();
}
