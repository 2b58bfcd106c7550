using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Trace;
using Serverless.Functions.Inbox;
using Serverless.Functions.Telemetry;
using Serverless.Testing;

namespace Serverless.Tests.Functions.Telemetry;

public class EventTelemetryTests
{
    [Fact]
    public async Task An_accepted_webhook_is_one_trace_of_accept_store_and_ring_and_its_envelope_carries_the_trace_context()
    {
        var spans = new List<Activity>();
        await using var app = await RunningFunctionsApp.StartAsync(
            new Dictionary<string, string?>(),
            services => services.AddOpenTelemetry().WithTracing(tracing => tracing.AddSource(EventTelemetry.Name).AddInMemoryExporter(spans)));
        using var http = app.CreateClient();

        var id = await Webhook.PostAcceptedAsync(http, "traced", new { title = "deploy failed", severity = "error" });

        var stored = (await app.Services.GetRequiredService<EmbeddedEventInbox>().ReceiveAsync("traced", 10, TimeSpan.FromMinutes(1), default)).Items.Single().Event;
        Assert.Equal(id, stored.Id);
        var accept = Assert.Single(spans, s => s.DisplayName == "accept event" && (string?)s.GetTagItem("event.id") == id);
        Assert.Equal(accept.Id, stored.TraceParent);
        Assert.Equal("generic", accept.GetTagItem("event.source"));
        Assert.Contains(spans, s => s.DisplayName == "store event" && s.ParentSpanId == accept.SpanId && s.TraceId == accept.TraceId);
        Assert.Contains(spans, s => s.DisplayName == "ring relay" && s.ParentSpanId == accept.SpanId && s.TraceId == accept.TraceId);
    }

    [Fact]
    public async Task Without_an_exporter_setting_the_app_registers_no_tracing_at_all()
    {
        await using var app = await RunningFunctionsApp.StartAsync(new Dictionary<string, string?>());

        Assert.Null(app.Services.GetService<TracerProvider>());
    }

    [Fact]
    public async Task An_otlp_endpoint_setting_turns_tracing_and_metrics_on()
    {
        // Loopback port 9 (discard): whatever the exporter sends stays on this machine. The Azure Monitor path is
        // not started here, since its credential would ask for a token outside this machine.
        await using var app = await RunningFunctionsApp.StartAsync(new Dictionary<string, string?> { ["OTEL_EXPORTER_OTLP_ENDPOINT"] = "http://127.0.0.1:9" });

        Assert.NotNull(app.Services.GetService<TracerProvider>());
        Assert.NotNull(app.Services.GetService<OpenTelemetry.Metrics.MeterProvider>());
    }
}
