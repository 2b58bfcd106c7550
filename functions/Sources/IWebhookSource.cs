namespace Serverless.Functions.Sources;

/// <summary>A source adapter: first verify that the provider sent it, then normalise it.</summary>
public interface IWebhookSource
{
    /// <summary>The <c>{source}</c> of <c>/api/hooks/{source}/{channel}</c>.</summary>
    string Name { get; }

    /// <summary>Where the sender puts its credential, for a refusal that says what was missing or what to check.</summary>
    CredentialPlacement Credential { get; }

    /// <summary>
    /// True when the delivery carries a valid credential for <paramref name="secret"/> (and, where the
    /// provider signs a timestamp, one within five minutes of <paramref name="now"/>).
    /// </summary>
    bool Verify(WebhookDelivery delivery, string secret, DateTimeOffset now);

    SourceOutcome Normalize(WebhookDelivery delivery);
}
