using System.Security.Cryptography;
using System.Text;

namespace Serverless.Functions.Security;

/// <summary>Constant-time comparison of presented credentials with configured secrets.</summary>
public static class SecretComparer
{
    public static bool Matches(string? presented, string? secret)
    {
        if (string.IsNullOrEmpty(presented) || string.IsNullOrEmpty(secret))
        {
            return false;
        }

        // Hashing first makes the comparison independent of the two lengths as well.
        var a = SHA256.HashData(Encoding.UTF8.GetBytes(presented));
        var b = SHA256.HashData(Encoding.UTF8.GetBytes(secret));
        return CryptographicOperations.FixedTimeEquals(a, b);
    }
}
