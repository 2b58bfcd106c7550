using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Serverless.Relay.Channel;

/// <summary>
/// The relay's half of an event's trace: taking it and, inside that, showing it in the session are spans under the
/// function app's (its trace context arrives in the envelope's <c>traceparent</c>), and the time from webhook to session is
/// a histogram. Exported over OTLP when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set; off otherwise.
/// </summary>
public static class RelayTelemetry
{
    public const string Name = "Serverless.Relay";

    public static readonly ActivitySource Source = new(Name);

    private static readonly Meter Meter = new(Name);

    private static readonly Histogram<double> Latency = Meter.CreateHistogram<double>(
        "serverless.relay.webhook_to_session", "ms", "From the event's arrival at the function app to its notification in the session.");

    /// <summary>A span for the relay's handling of one event it received, under the app's span when the envelope carried its trace context.</summary>
    public static Activity? StartTake(string eventId, string? traceParent) => StartUnder("take event", eventId, traceParent);

    /// <summary>A span for showing the event: inside the relay's take of it, else under the app's span from the envelope.</summary>
    public static Activity? StartShow(string eventId, string? traceParent) =>
        Activity.Current is { } take && take.Source == Source
            ? Source.StartActivity("show event")?.SetTag("event.id", eventId)
            : StartUnder("show event", eventId, traceParent);

    private static Activity? StartUnder(string name, string eventId, string? traceParent) =>
        Source.StartActivity(name, ActivityKind.Consumer, ActivityContext.TryParse(traceParent, null, out var parent) ? parent : default)
        ?.SetTag("event.id", eventId);

    public static void RecordShown(DateTimeOffset? acceptedAt, DateTimeOffset now)
    {
        if (acceptedAt is { } at && now >= at)
        {
            Latency.Record((now - at).TotalMilliseconds);
        }
    }

    public static HostApplicationBuilder AddRelayTelemetry(this HostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable("OTEL_EXPORTER_OTLP_ENDPOINT")))
        {
            return builder;
        }

        // The exporter reads its settings (endpoint, protocol, headers, batch delay) from configuration, and the
        // relay's empty host builder reads no environment: hand it the standard OTEL_ variables.
        builder.Configuration.AddInMemoryCollection(
            Environment.GetEnvironmentVariables().Cast<System.Collections.DictionaryEntry>()
                .Where(variable => variable.Key is string name && name.StartsWith("OTEL_", StringComparison.Ordinal))
                .Select(variable => new KeyValuePair<string, string?>((string)variable.Key, variable.Value as string)));
        builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("serverless-relay"))
            .WithTracing(tracing => tracing.AddSource(Name).AddOtlpExporter())
            .WithMetrics(metrics => metrics.AddMeter(Name).AddOtlpExporter());
        return builder;
    }
}
