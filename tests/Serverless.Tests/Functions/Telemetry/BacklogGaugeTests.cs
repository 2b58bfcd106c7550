using System.Diagnostics.Metrics;
using Azure;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Moq;
using Serverless.Functions.Inbox;
using Serverless.Functions.Telemetry;
using Serverless.Testing;

namespace Serverless.Tests.Functions.Telemetry;

/// <summary>serverless.backlog.depth: the events waiting per channel, read without waiting on storage.</summary>
public class BacklogGaugeTests
{
    [Fact]
    public async Task The_gauge_reports_the_events_waiting_in_each_channel_of_the_in_memory_inbox()
    {
        await using var app = await RunningFunctionsApp.StartAsync(new Dictionary<string, string?>());
        using var http = app.CreateClient();
        await Webhook.PostAcceptedAsync(http, "gauge-a", new { title = "one" });
        await Webhook.PostAcceptedAsync(http, "gauge-a", new { title = "two" });
        await Webhook.PostAcceptedAsync(http, "gauge-b", new { title = "three" });

        var depths = Observe(app.Services.GetRequiredService<IMeterFactory>().Create(EventTelemetry.Name));

        Assert.Equal(2, depths["gauge-a"]);
        Assert.Equal(1, depths["gauge-b"]);
    }

    [Fact]
    public async Task A_storage_queue_depth_is_read_in_the_background_at_most_every_30_seconds_and_never_waited_for()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 26, 1, 0, 0, TimeSpan.Zero));
        var reads = 0;
        var answer = new TaskCompletionSource<Response<QueueProperties>>(TaskCreationOptions.RunContinuationsAsynchronously);
        var queue = new Mock<QueueClient>();
        queue.Setup(q => q.GetPropertiesAsync(It.IsAny<CancellationToken>()))
            .Returns(() =>
            {
                Interlocked.Increment(ref reads);
                return answer.Task;
            });
        var cache = new QueueDepthCache(clock, NullLogger.Instance);
        cache.Watch("ops", queue.Object);

        // The read hangs: the callback still answers at once, with nothing known yet.
        Assert.Empty(cache.Depths());
        Assert.True(SpinWait.SpinUntil(() => Volatile.Read(ref reads) == 1, TimeSpan.FromSeconds(10)));
        Assert.Empty(cache.Depths());
        answer.SetResult(Response.FromValue(QueuesModelFactory.QueueProperties(new Dictionary<string, string>(), 7), Mock.Of<Response>()));
        Assert.True(SpinWait.SpinUntil(() => cache.Depths().Count == 1, TimeSpan.FromSeconds(10)));

        clock.Advance(TimeSpan.FromSeconds(29));
        Assert.Equal([("ops", 7L)], cache.Depths());
        Assert.Equal(1, Volatile.Read(ref reads));

        clock.Advance(TimeSpan.FromSeconds(1));
        cache.Depths();
        Assert.True(SpinWait.SpinUntil(() => Volatile.Read(ref reads) == 2, TimeSpan.FromSeconds(10)));
    }

    private static Dictionary<string, long> Observe(Meter meter)
    {
        var depths = new Dictionary<string, long>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (ReferenceEquals(instrument.Meter, meter) && instrument.Name == BacklogGauge.Name)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "channel")
                {
                    depths[(string)tag.Value!] = value;
                }
            }
        });
        listener.Start();
        listener.RecordObservableInstruments();
        return depths;
    }
}
