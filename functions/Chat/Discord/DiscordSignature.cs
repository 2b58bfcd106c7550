using System.Globalization;
using System.Text;
using NSec.Cryptography;

namespace Serverless.Functions.Chat.Discord;

/// <summary>
/// Discord's request signature: Ed25519 over the <c>X-Signature-Timestamp</c> header's bytes followed by the
/// raw body, hex in <c>X-Signature-Ed25519</c>, checked with the application's public key. A timestamp far
/// from now is refused too, so a captured request cannot be replayed later.
/// </summary>
public static class DiscordSignature
{
    /// <summary>How far the timestamp may be from now, either way.</summary>
    public static readonly TimeSpan MaxSkew = TimeSpan.FromMinutes(5);

    private const int PublicKeyBytes = 32;
    private const int SignatureBytes = 64;

    public static bool IsPublicKey(string? hex) => TryDecode(hex, PublicKeyBytes, out _);

    public static DiscordSignatureCheck Check(string publicKeyHex, string? signatureHex, string? timestamp, ReadOnlySpan<byte> body, DateTimeOffset now)
    {
        if (!TryDecode(publicKeyHex, PublicKeyBytes, out var keyBytes)
            || !TryDecode(signatureHex, SignatureBytes, out var signature)
            || string.IsNullOrEmpty(timestamp) || timestamp.Length > 20 || !timestamp.All(char.IsAsciiDigit))
        {
            return DiscordSignatureCheck.Invalid;
        }

        var signed = new byte[timestamp.Length + body.Length];
        Encoding.ASCII.GetBytes(timestamp, signed);
        body.CopyTo(signed.AsSpan(timestamp.Length));
        var algorithm = SignatureAlgorithm.Ed25519;
        if (!PublicKey.TryImport(algorithm, keyBytes, KeyBlobFormat.RawPublicKey, out var key) || key is null
            || !algorithm.Verify(key, signed, signature))
        {
            return DiscordSignatureCheck.Invalid;
        }

        // Checked after the signature, so the answer to a forged request never depends on its timestamp.
        return long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            && seconds <= DateTimeOffset.MaxValue.ToUnixTimeSeconds()
            && (DateTimeOffset.FromUnixTimeSeconds(seconds) - now).Duration() <= MaxSkew
            ? DiscordSignatureCheck.Valid
            : DiscordSignatureCheck.Stale;
    }

    private static bool TryDecode(string? hex, int length, out byte[] bytes)
    {
        bytes = [];
        if (hex is null || hex.Length != length * 2 || !hex.All(char.IsAsciiHexDigit))
        {
            return false;
        }

        bytes = Convert.FromHexString(hex);
        return true;
    }
}

public enum DiscordSignatureCheck
{
    Valid,

    /// <summary>Missing, malformed or not made with the application's key.</summary>
    Invalid,

    /// <summary>Signed, but the timestamp is more than <see cref="DiscordSignature.MaxSkew"/> from now: a replay or a wrong clock.</summary>
    Stale,
}
