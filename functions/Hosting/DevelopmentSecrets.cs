namespace Serverless.Functions.Hosting;

/// <summary>
/// Well-known secrets of the local default, published in the README. They are public, so they are accepted only
/// when the app runs on the local default, and refused in any other configuration.
/// </summary>
public static class DevelopmentSecrets
{
    public const string RelayToken = "dev-relay-token";
    public const string WebhookToken = "dev-webhook-token";
    /// <summary>The embedded Web PubSub key that earlier versions published; never valid, refused if configured.</summary>
    public const string FormerWebPubSubAccessKey = "dev-webpubsub-key";

    private static readonly string[] WellKnown = [RelayToken, WebhookToken, FormerWebPubSubAccessKey];

    private static readonly string[] WellKnownHashes =
        [.. WellKnown.Select(secret => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(secret))))];

    public static bool IsWellKnown(string? value) => value is not null && WellKnown.Contains(value, StringComparer.Ordinal);

    /// <summary>Whether a configured SHA-256 (hex) is the hash of a well-known secret.</summary>
    public static bool IsWellKnownHash(string? sha256Hex) =>
        sha256Hex is not null && WellKnownHashes.Contains(sha256Hex, StringComparer.OrdinalIgnoreCase);
}
