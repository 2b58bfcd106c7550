namespace Serverless.Functions.Sources;

/// <summary>A source adapter: first verify that the provider sent it, then normalise it.</summary>
public interface IWebhookSource
{
    /// <summary>The <c>{source}</c> of <c>/api/hooks/{source}/{channel}</c>.</summary>
    string Name { get; }

    /// <summary>True when the delivery carries a valid credential for <paramref name="secret"/>.</summary>
    bool Verify(WebhookDelivery delivery, string secret);

    SourceOutcome Normalize(WebhookDelivery delivery);
}
