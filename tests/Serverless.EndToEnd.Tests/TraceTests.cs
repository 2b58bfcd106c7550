using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Trace;
using Serverless.Functions.Telemetry;
using Serverless.Testing;

namespace Serverless.EndToEnd.Tests;

/// <summary>
/// One trace per event across both processes: the function app's spans (an in-memory exporter in this
/// process) and the relay process's spans, exported over OTLP/HTTP to a receiver on 127.0.0.1 that reads
/// the protobuf the .NET exporter really sends.
/// </summary>
public sealed class TraceTests
{
    private sealed record ReceivedSpan(string TraceId, string SpanId, string ParentSpanId, string Name);

    [Fact]
    public async Task One_event_is_one_trace_across_both_processes_from_accept_to_acknowledge()
    {
        var received = new ConcurrentQueue<ReceivedSpan>();
        await using var collector = await StartCollectorAsync(received);
        var appSpans = new List<Activity>();
        await using var app = await RunningFunctionsApp.StartAsync(
            new Dictionary<string, string?>(),
            services => services.AddOpenTelemetry().WithTracing(tracing => tracing.AddSource(EventTelemetry.Name).AddInMemoryExporter(appSpans)));
        using var http = app.CreateClient();
        await using var relay = await RelayProcess.StartWithEnvironmentAsync(app.BaseUrl, "traced", "dev-relay-token", new Dictionary<string, string?>
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = collector.Urls.First(),
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
            ["OTEL_BSP_SCHEDULE_DELAY"] = "200",
        });
        await WebhookToChannelTests.WaitUntilConnectedAsync(relay);

        var id = await Webhook.PostAcceptedAsync(http, "traced", new { title = "deploy failed", severity = "error" });

        Assert.True(await RelayProcess.EventuallyAsync(() => relay.Notifications.Count == 1, TimeSpan.FromSeconds(30)), relay.Stderr);
        Assert.True(await RelayProcess.EventuallyAsync(() => received.Any(s => s.Name == "show event") && received.Any(s => s.Name == "take event"), TimeSpan.FromSeconds(30)), relay.Stderr);
        Assert.True(await RelayProcess.EventuallyAsync(() => AppSpan(appSpans, "acknowledge event", id) is not null, TimeSpan.FromSeconds(30)), relay.Stderr);
        var accept = AppSpan(appSpans, "accept event", id)!;
        var acknowledge = AppSpan(appSpans, "acknowledge event", id)!;
        // Delivery is at least once: a doorbell and the relay's backlog poll may both take the event (it is shown
        // once), and each take is a span of the same trace under the accept span; the show is inside one of them.
        var show = received.Single(s => s.Name == "show event");
        var takes = received.Where(s => s.Name == "take event").ToList();
        var take = takes.Single(t => t.SpanId == show.ParentSpanId);
        Assert.All(takes, t => Assert.Equal((trace: accept.TraceId.ToHexString(), parent: accept.SpanId.ToHexString()), (trace: t.TraceId, parent: t.ParentSpanId)));

        // received, stored and rung in the app; taken and shown in the relay; acknowledged in the app again.
        var trace = accept.TraceId.ToHexString();
        Assert.Equal(
            ["accept event", "store event", "ring relay", "acknowledge event"],
            AppSpans(appSpans).Where(s => s.TraceId.ToHexString() == trace).OrderBy(s => s.StartTimeUtc).Select(s => s.DisplayName));
        Assert.Equal([trace, trace], new[] { take.TraceId, show.TraceId });
        Assert.Equal(accept.SpanId.ToHexString(), take.ParentSpanId);
        Assert.Equal(take.SpanId, show.ParentSpanId);
        Assert.Equal(accept.SpanId, acknowledge.ParentSpanId);
    }

    private static List<Activity> AppSpans(List<Activity> spans)
    {
        lock (spans)
        {
            return [.. spans];
        }
    }

    private static Activity? AppSpan(List<Activity> spans, string name, string eventId) =>
        AppSpans(spans).SingleOrDefault(s => s.DisplayName == name && (string?)s.GetTagItem("event.id") == eventId);

    private static async Task<WebApplication> StartCollectorAsync(ConcurrentQueue<ReceivedSpan> received)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var collector = builder.Build();
        collector.MapPost("/v1/traces", async (HttpRequest request) =>
        {
            using var body = new MemoryStream();
            await request.Body.CopyToAsync(body);
            foreach (var span in Spans(body.ToArray()))
            {
                received.Enqueue(span);
            }

            return Results.Bytes([], "application/x-protobuf");
        });
        collector.MapPost("/v1/metrics", () => Results.Bytes([], "application/x-protobuf"));
        await collector.StartAsync();
        return collector;
    }

    /// <summary>
    /// The spans of an OTLP <c>ExportTraceServiceRequest</c>: resource_spans (1) → scope_spans (2) → spans (2),
    /// each with trace_id (1), span_id (2), parent_span_id (4) and name (5). Only what the test reads.
    /// </summary>
    private static IEnumerable<ReceivedSpan> Spans(byte[] request)
    {
        foreach (var resourceSpans in Fields(request, 1))
        {
            foreach (var scopeSpans in Fields(resourceSpans, 2))
            {
                foreach (var span in Fields(scopeSpans, 2))
                {
                    string Hex(int field) => Convert.ToHexStringLower(Fields(span, field).FirstOrDefault() ?? []);
                    var name = Fields(span, 5).FirstOrDefault() is { } bytes ? System.Text.Encoding.UTF8.GetString(bytes) : string.Empty;
                    yield return new ReceivedSpan(Hex(1), Hex(2), Hex(4), name);
                }
            }
        }
    }

    /// <summary>The length-delimited values of one field number in a protobuf message; other fields are skipped.</summary>
    private static List<byte[]> Fields(byte[] message, int wanted)
    {
        var values = new List<byte[]>();
        var position = 0;
        while (position < message.Length)
        {
            var key = Varint(message, ref position);
            var (field, wireType) = ((int)(key >> 3), (int)(key & 7));
            switch (wireType)
            {
                case 0:
                    Varint(message, ref position);
                    break;
                case 1:
                    position += 8;
                    break;
                case 2:
                    var length = (int)Varint(message, ref position);
                    if (field == wanted)
                    {
                        values.Add(message[position..(position + length)]);
                    }

                    position += length;
                    break;
                case 5:
                    position += 4;
                    break;
                default:
                    throw new InvalidDataException($"Wire type {wireType} at {position} is not protobuf this test reads.");
            }
        }

        return values;
    }

    private static ulong Varint(byte[] message, ref int position)
    {
        ulong value = 0;
        for (var shift = 0; ; shift += 7)
        {
            var b = message[position++];
            value |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                return value;
            }
        }
    }
}
