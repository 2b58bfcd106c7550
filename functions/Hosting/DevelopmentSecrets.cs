namespace Serverless.Functions.Hosting;

/// <summary>
/// Well-known secrets of the local default (CONTRACT.md). They are public, so they are accepted only
/// when the app runs on the local default, and refused in any other configuration.
/// </summary>
public static class DevelopmentSecrets
{
    public const string RelayToken = "dev-relay-token";
    public const string WebhookToken = "dev-webhook-token";
    public const string WebPubSubAccessKey = "dev-webpubsub-key";

    public static bool IsWellKnown(string? value) =>
        value is RelayToken or WebhookToken or WebPubSubAccessKey;
}
