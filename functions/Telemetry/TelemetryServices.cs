using Azure.Monitor.OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Serverless.Functions.Telemetry;

public static class TelemetryServices
{
    /// <summary>
    /// Traces and metrics go to Azure Monitor when the app has an Application Insights connection string
    /// (as deployed), to an OTLP endpoint when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set, and nowhere
    /// otherwise: no listener then, so a webhook pays for no span.
    /// </summary>
    public static IHostApplicationBuilder AddTelemetry(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        // Always made: without a listener its callback never runs, and an in-process listener can read it.
        builder.Services.AddHostedService<BacklogGauge>();
        var azureMonitor = !string.IsNullOrWhiteSpace(builder.Configuration["APPLICATIONINSIGHTS_CONNECTION_STRING"]);
        var otlp = !string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        if (!azureMonitor && !otlp)
        {
            return builder;
        }

        // The deployment turns Application Insights' local authentication off, so the app's identity sends
        // (the exporters read APPLICATIONINSIGHTS_CONNECTION_STRING themselves).
        var credential = azureMonitor ? new Azure.Identity.DefaultAzureCredential() : null;
        builder.Services.AddOpenTelemetry()
            .WithTracing(tracing =>
            {
                // Not the HttpClient instrumentation nor the "System.Net.Http" source: their url.full tag is the whole
                // request URL, and the Telegram Bot API keeps the bot token in its path (see QuietHttpLogs).
                tracing.AddSource(EventTelemetry.Name).AddAspNetCoreInstrumentation();
                if (azureMonitor)
                {
                    tracing.AddAzureMonitorTraceExporter(credential: credential);
                }

                if (otlp)
                {
                    tracing.AddOtlpExporter();
                }
            })
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(EventTelemetry.Name);
                if (azureMonitor)
                {
                    metrics.AddAzureMonitorMetricExporter(credential: credential);
                }

                if (otlp)
                {
                    metrics.AddOtlpExporter();
                }
            });
        return builder;
    }
}
