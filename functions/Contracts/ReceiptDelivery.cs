namespace Serverless.Contracts;

/// <summary>
/// What the relay saw of one event it acknowledges: when it took it from a doorbell (a backlog take is the app's
/// own step), when it wrote it into the session (null for one shown before, a duplicate), and the event's trace
/// context, so the app's acknowledgement joins the event's trace. Times are the relay's clock.
/// </summary>
public sealed record ReceiptDelivery(DateTimeOffset? TakenAt = null, DateTimeOffset? ShownAt = null, string? TraceParent = null);
