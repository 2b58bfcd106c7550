using System.Globalization;
using System.Text;
using Serverless.Functions.Sources;

namespace Serverless.Functions.Chat.Slack;

/// <summary>
/// Slack's request signing: <c>X-Slack-Signature</c> is <c>v0=</c> and the hex HMAC-SHA256, keyed with the
/// signing secret, of <c>v0:{X-Slack-Request-Timestamp}:{raw body}</c>. A timestamp more than five minutes
/// from now is refused, so a captured request cannot be replayed later.
/// </summary>
public static class SlackSignature
{
    public const string SignatureHeader = "X-Slack-Signature";
    public const string TimestampHeader = "X-Slack-Request-Timestamp";
    public static readonly TimeSpan MaxAge = TimeSpan.FromMinutes(5);
    private const string Version = "v0";

    public static SlackSignatureCheck Check(string? signature, string? timestamp, ReadOnlySpan<byte> body, string signingSecret, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(signingSecret);
        if (string.IsNullOrEmpty(signature) || !long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
        {
            return SlackSignatureCheck.Missing;
        }

        // Checked before the HMAC: the window is about the clock, and a far-off value would overflow.
        if (Math.Abs(now.ToUnixTimeSeconds() - seconds) > (long)MaxAge.TotalSeconds)
        {
            return SlackSignatureCheck.Stale;
        }

        if (!signature.StartsWith(Version + "=", StringComparison.Ordinal))
        {
            return SlackSignatureCheck.Wrong;
        }

        var prefix = Encoding.UTF8.GetBytes($"{Version}:{timestamp}:");
        var signed = new byte[prefix.Length + body.Length];
        prefix.CopyTo(signed, 0);
        body.CopyTo(signed.AsSpan(prefix.Length));
        return Signatures.HexMatches(signature[(Version.Length + 1)..], Signatures.HmacSha256(signingSecret, signed))
            ? SlackSignatureCheck.Valid
            : SlackSignatureCheck.Wrong;
    }
}

public enum SlackSignatureCheck
{
    Valid,

    /// <summary>No signature or timestamp header.</summary>
    Missing,

    /// <summary>Signed more than five minutes from now: a replay, or a clock far off.</summary>
    Stale,

    Wrong,
}
