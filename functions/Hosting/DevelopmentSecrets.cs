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

    public static bool IsWellKnown(string? value) =>
        value is RelayToken or WebhookToken or FormerWebPubSubAccessKey;
}
