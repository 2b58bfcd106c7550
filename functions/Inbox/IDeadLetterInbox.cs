namespace Serverless.Functions.Inbox;

/// <summary>The channel's dead-letter queue, for the owner to send its events round again.</summary>
public interface IDeadLetterInbox
{
    /// <summary>
    /// Moves up to <paramref name="maxEvents"/> dead-lettered events back into the channel's queue, each as a new
    /// message with its delivery count reset and the same event id (so a relay that did show one skips it).
    /// Returns them with their new receipts, for the doorbell. A message that cannot be read stays where it is.
    /// </summary>
    Task<IReadOnlyList<InboxItem>> RedriveAsync(string channel, int maxEvents, CancellationToken cancellationToken);
}
