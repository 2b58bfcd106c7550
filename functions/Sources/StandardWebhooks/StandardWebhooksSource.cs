using System.Globalization;
using System.Text;
using Serverless.Functions.Sources.Generic;

namespace Serverless.Functions.Sources.StandardWebhooks;

/// <summary>
/// Any sender that follows the Standard Webhooks specification: <c>webhook-id</c>,
/// <c>webhook-timestamp</c> and <c>webhook-signature</c> (space-separated <c>v1,</c> base64 HMAC-SHA256 of
/// <c>{id}.{timestamp}.{body}</c>), with a <c>whsec_</c> base64 secret. The body is summarised as generic JSON.
/// </summary>
public sealed class StandardWebhooksSource : IWebhookSource
{
    public const string SourceName = "standard";
    private const string SignatureHeader = "webhook-signature";
    private static readonly TimeSpan Tolerance = TimeSpan.FromMinutes(5);

    public string Name => SourceName;

    public CredentialPlacement Credential { get; } = CredentialPlacement.ProviderHeader(
        SignatureHeader,
        "A Standard Webhooks sender signs each delivery in webhook-id, webhook-timestamp and webhook-signature: send those headers.",
        "the sender's signing secret (whsec_...)") with
    {
        MismatchHint = "and that webhook-timestamp is within five minutes of the function app's clock",
    };

    public bool Verify(WebhookDelivery delivery, string secret, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        ArgumentNullException.ThrowIfNull(secret);
        var id = delivery.Headers["webhook-id"].ToString();
        var timestamp = delivery.Headers["webhook-timestamp"].ToString();
        if (id.Length == 0 || !long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
        {
            return false;
        }

        var sent = DateTimeOffset.FromUnixTimeSeconds(Math.Clamp(seconds, 0, 253402300799));
        if ((now - sent).Duration() > Tolerance)
        {
            return false;
        }

        byte[] key;
        try
        {
            key = secret.StartsWith("whsec_", StringComparison.Ordinal) ? Convert.FromBase64String(secret[6..]) : Encoding.UTF8.GetBytes(secret);
        }
        catch (FormatException)
        {
            return false;
        }

        var signed = new byte[Encoding.UTF8.GetByteCount(id) + timestamp.Length + 2 + delivery.Body.Length];
        var written = Encoding.UTF8.GetBytes($"{id}.{timestamp}.", signed);
        delivery.Body.Span.CopyTo(signed.AsSpan(written));
        var expected = Signatures.HmacSha256(key, signed);
        var match = false;
        foreach (var signature in delivery.Headers[SignatureHeader].ToString().Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            match |= signature.StartsWith("v1,", StringComparison.Ordinal) && Signatures.Base64Matches(signature[3..], expected);
        }

        return match;
    }

    public SourceOutcome Normalize(WebhookDelivery delivery)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        return GenericSource.Normalize(delivery, "Standard webhook", json => Json.Text(json, "type"), delivery.Headers["webhook-id"].ToString());
    }
}
