namespace Serverless.Functions.Sources;

/// <summary>An adapter's verdict on a verified delivery.</summary>
public abstract record SourceOutcome
{
    /// <summary>Forward it: stored, then published.</summary>
    public sealed record Accepted(EventDraft Draft) : SourceOutcome;

    /// <summary>Verified but deliberately not forwarded (a ping, a filtered event): 200.</summary>
    public sealed record Ignored(string Reason) : SourceOutcome;

    /// <summary>The body cannot be read as this source's payload: 400.</summary>
    public sealed record Invalid(string Reason) : SourceOutcome;
}
