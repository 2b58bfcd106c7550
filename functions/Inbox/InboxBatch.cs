using Serverless.Functions.Events;

namespace Serverless.Functions.Inbox;

/// <summary>Received events, and the events this receive moved to the dead-letter queue instead.</summary>
public sealed record InboxBatch(IReadOnlyList<InboxItem> Items, IReadOnlyList<DeadLetteredEvent> DeadLettered)
{
    public static readonly InboxBatch Empty = new([], []);
}
