namespace Serverless.Functions.History;

public sealed class HistoryOptions
{
    public const string Section = "History";

    /// <summary>Days an event's history (and a refusal counter) is kept after its last step.</summary>
    public int RetentionDays { get; set; } = 7;

    /// <summary>Notes waiting to be written; past it new notes are dropped (and counted), never the webhook held.</summary>
    public int MaxPendingNotes { get; set; } = 10_000;

    /// <summary>Events the in-memory history keeps on the local default; past it the ones whose last step is oldest go first.</summary>
    public int MaxEmbeddedEvents { get; set; } = 10_000;
}
