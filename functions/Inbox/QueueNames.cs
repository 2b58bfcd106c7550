using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace Serverless.Functions.Inbox;

/// <summary>
/// Queue names for channels. Queue names forbid leading, trailing and doubled dashes, which channel
/// names allow, so such channels get a stable hashed name instead.
/// </summary>
public static partial class QueueNames
{
    public static string ForChannel(string channel)
    {
        ArgumentException.ThrowIfNullOrEmpty(channel);
        return QueueSafe().IsMatch(channel)
            ? $"ch-{channel}"
            : $"ch-x{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(channel)))[..24]}";
    }

    public static string DeadLetterFor(string channel) => ForChannel(channel) + "-poison";

    [GeneratedRegex(@"\A[a-z0-9]+(-[a-z0-9]+)*\z")]
    private static partial Regex QueueSafe();
}
