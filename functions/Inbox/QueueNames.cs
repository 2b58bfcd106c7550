using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace Serverless.Functions.Inbox;

/// <summary>
/// Queue names for channels, collision-free by construction. A channel whose name is a valid queue name
/// keeps it: <c>ch-{channel}</c> for its inbox and <c>dl-{channel}</c> for its dead letters, so no inbox
/// name is ever a dead-letter name. Any other channel (leading, trailing or doubled dashes) gets a
/// SHA-256 name of 56 hex digits: <c>ch-</c> or <c>dl-</c> and 59 characters in all, longer than any
/// kept name can be (a channel has at most 40 characters), so a hashed name is never a kept one either.
/// </summary>
public static partial class QueueNames
{
    public const string InboxPrefix = "ch-";
    public const string DeadLetterPrefix = "dl-";

    public static string ForChannel(string channel) => InboxPrefix + Suffix(channel);

    public static string DeadLetterFor(string channel) => DeadLetterPrefix + Suffix(channel);

    private static string Suffix(string channel)
    {
        ArgumentException.ThrowIfNullOrEmpty(channel);
        return QueueSafe().IsMatch(channel)
            ? channel
            : Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(channel)))[..56];
    }

    [GeneratedRegex(@"\A[a-z0-9]+(-[a-z0-9]+)*\z")]
    private static partial Regex QueueSafe();
}
