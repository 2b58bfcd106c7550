using System.Diagnostics.Metrics;
using Serverless.Functions.Inbox;

namespace Serverless.Functions.Telemetry;

/// <summary>
/// <c>serverless.backlog.depth</c>: the events waiting in each channel's queue, tagged by channel. Made when the
/// host starts, on the app's meter; its callback reads the inbox's cached depths and never waits on storage.
/// With no listener (telemetry off) it is never called.
/// </summary>
public sealed class BacklogGauge : IHostedService
{
    public const string Name = "serverless.backlog.depth";

    public BacklogGauge(IMeterFactory meters, IBacklogDepth backlog)
    {
        ArgumentNullException.ThrowIfNull(meters);
        ArgumentNullException.ThrowIfNull(backlog);
        meters.Create(EventTelemetry.Name).CreateObservableGauge(
            Name,
            () => backlog.Depths().Select(d => new Measurement<long>(d.Depth, new KeyValuePair<string, object?>("channel", d.Channel))),
            "{event}",
            "Events waiting in each channel's queue (Storage queues: approximate, read at most every 30 s).");
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
