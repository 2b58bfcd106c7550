using System.Security.Cryptography;

namespace Serverless.Functions.Chat;

/// <summary>Six characters from an alphabet without look-alikes (no 0/O, 1/I/L), easy to type from a phone.</summary>
public static class PairingCode
{
    private const string Alphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";

    public static string New() => RandomNumberGenerator.GetString(Alphabet, 6);

    public static string Normalize(string code)
    {
        ArgumentNullException.ThrowIfNull(code);
        return code.Trim().ToUpperInvariant();
    }
}
