namespace Serverless.Functions.Events;

/// <summary>Who could have written an event's text, as told to the model.</summary>
public static class TrustLevel
{
    /// <summary>A sender on the channel's allowlist (a paired chat).</summary>
    public const string Allowlisted = Serverless.Contracts.DecisionEvents.AllowlistedTrust;

    /// <summary>A verified service relaying text that anyone may have written (an issue comment, an alert description).</summary>
    public const string ThirdParty = "third_party";
}
