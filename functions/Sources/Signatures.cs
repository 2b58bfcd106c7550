using System.Security.Cryptography;
using System.Text;

namespace Serverless.Functions.Sources;

/// <summary>HMAC signatures as providers send them, compared in constant time.</summary>
public static class Signatures
{
    public static byte[] HmacSha256(string secret, ReadOnlySpan<byte> data) => HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), data);

    public static byte[] HmacSha256(byte[] key, ReadOnlySpan<byte> data) => HMACSHA256.HashData(key, data);

    /// <summary>True when <paramref name="hex"/> is the hex encoding of <paramref name="expected"/>.</summary>
    public static bool HexMatches(string? hex, byte[] expected)
    {
        ArgumentNullException.ThrowIfNull(expected);
        if (hex is null || hex.Length != expected.Length * 2)
        {
            return false;
        }

        byte[] presented;
        try
        {
            presented = Convert.FromHexString(hex);
        }
        catch (FormatException)
        {
            return false;
        }

        return CryptographicOperations.FixedTimeEquals(presented, expected);
    }

    public static bool Base64Matches(string? base64, byte[] expected)
    {
        ArgumentNullException.ThrowIfNull(expected);
        if (string.IsNullOrEmpty(base64))
        {
            return false;
        }

        var presented = new byte[(base64.Length * 3 / 4) + 3];
        return Convert.TryFromBase64String(base64, presented, out var written)
            && CryptographicOperations.FixedTimeEquals(presented.AsSpan(0, written), expected);
    }

    /// <summary>A hex SHA-256 of the body: the content key of providers that send no delivery id.</summary>
    public static string ContentKey(ReadOnlySpan<byte> body) => Convert.ToHexStringLower(SHA256.HashData(body));
}
