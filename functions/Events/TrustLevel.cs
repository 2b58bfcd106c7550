namespace Serverless.Functions.Events;

/// <summary>Who could have written an event's text, as told to the model (declared with the sources' provenance in <see cref="EventTrust"/>).</summary>
public static class TrustLevel
{
    /// <summary>A sender on the channel's allowlist (a paired chat).</summary>
    public const string Allowlisted = EventTrust.Allowlisted;

    /// <summary>A verified service relaying text that anyone may have written (an issue comment, an alert description).</summary>
    public const string ThirdParty = EventTrust.ThirdParty;
}
