namespace Serverless.Functions.Inbox;

public sealed class InboxOptions
{
    public const string Section = "Inbox";

    /// <summary>Receives after which an unacknowledged event moves to the dead-letter queue.</summary>
    public int MaxDeliveryAttempts { get; set; } = 5;

    /// <summary>
    /// Envelopes larger than this keep their payload in Blob Storage. A queue message holds 64 KiB,
    /// and base64 (which keeps any JSON XML-safe) makes 48 KiB of that; the rest is margin.
    /// </summary>
    public int MaxInlineBytes { get; set; } = 45 * 1024;

    /// <summary>
    /// The in-memory inbox of the local default holds at most this many events (all channels, dead-lettered
    /// included); past it a webhook gets 503 with Retry-After instead of the process growing without end.
    /// </summary>
    public int MaxEmbeddedEvents { get; set; } = 10_000;

    /// <summary>The same bound in bytes of serialized events (default 256 MiB).</summary>
    public long MaxEmbeddedBytes { get; set; } = 256L * 1024 * 1024;
}
