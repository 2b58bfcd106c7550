using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Serverless.Functions.Telemetry;

/// <summary>
/// The app's own traces and metrics. An accepted event's span is the parent of storing and ringing, and its
/// id travels in the envelope (<c>traceparent</c>, the CloudEvents tracing extension) so the relay's spans
/// join the same trace. With no listener (telemetry off, the default locally) these cost nothing.
/// </summary>
public static class EventTelemetry
{
    public const string Name = "Serverless.Functions";

    public static readonly ActivitySource Source = new(Name);

    private static readonly Meter Meter = new(Name);

    private static readonly Counter<long> Accepted = Meter.CreateCounter<long>("serverless.webhooks.accepted", "{event}", "Webhooks accepted and stored, by source and channel.");

    private static readonly Counter<long> Refused = Meter.CreateCounter<long>("serverless.webhooks.refused", "{delivery}", "Webhook deliveries not stored, by source, channel and reason.");

    /// <summary>
    /// The app's acknowledgement of an event, in the event's own trace (the relay sends the envelope's
    /// <c>traceparent</c> with the receipt); no span without it, so an old relay's acks start no stray traces.
    /// </summary>
    public static Activity? StartAcknowledge(string eventId, string? traceParent) =>
        Source.HasListeners() && ActivityContext.TryParse(traceParent, null, out var parent)
            ? Source.StartActivity("acknowledge event", ActivityKind.Consumer, parent)?.SetTag("event.id", eventId)
            : null;

    public static void CountRefused(string source, string channel, string reason) =>
        Refused.Add(
            1,
            new KeyValuePair<string, object?>("source", source),
            new KeyValuePair<string, object?>("channel", channel),
            new KeyValuePair<string, object?>("reason", reason));

    public static void CountAccepted(string source, string channel) =>
        Accepted.Add(1, new KeyValuePair<string, object?>("source", source), new KeyValuePair<string, object?>("channel", channel));
}
