using System.Globalization;
using Serverless.Benchmarks.Load;
using Serverless.Benchmarks.Processes;

namespace Serverless.Benchmarks.Scenarios;

/// <summary>Closed-loop webhooks/s: the function app against the bare reference, in memory and on Azurite.</summary>
internal static class IngressScenario
{
    private static readonly TimeSpan WarmUp = TimeSpan.FromSeconds(2);

    /// <summary>
    /// The throughput run has no relay draining the in-memory inbox, so its bound (10,000 events by
    /// default, then 503) is raised for this run only; nothing else changes.
    /// </summary>
    private static readonly Dictionary<string, string?> UnboundedInbox = new()
    {
        ["Inbox__MaxEmbeddedEvents"] = "100000000",
        ["Inbox__MaxEmbeddedBytes"] = (16L * 1024 * 1024 * 1024).ToString(CultureInfo.InvariantCulture),
    };

    public static async Task RunAsync(BenchOptions options, Report report)
    {
        Console.WriteLine($"== ingress: closed loop, {options.DurationSeconds:0.#} s per run after {WarmUp.TotalSeconds:0} s of warm-up");
        ClosedLoop.Result project, reference;
        await using (var app = await Servers.StartFunctionsAsync(options.LogDirectory, "ingress-memory", settings: UnboundedInbox, probeAllocations: true))
        {
            project = await MeasureAsync(app, 64, options.Duration);
        }

        await using (var bare = await Servers.StartReferenceAsync(options.LogDirectory, "ingress-memory", probeAllocations: true))
        {
            reference = await MeasureAsync(bare, 64, options.Duration);
        }

        Add(report, "ingress, in memory, 64 connections", project, reference);

        if (!options.Azurite)
        {
            report.Note("Azurite figures skipped (--no-azurite).");
            return;
        }

        if (await AzuriteServer.EnsureInstalledAsync() is { } missing)
        {
            report.Note($"Azurite figures skipped: {missing}.");
            return;
        }

        foreach (var connections in new[] { 16, 64 })
        {
            await using (var azurite = await AzuriteServer.StartAsync(options.LogDirectory, $"ingress-app-{connections}"))
            await using (var app = await Servers.StartFunctionsAsync(options.LogDirectory, $"ingress-azurite-{connections}", azurite.ConnectionString, probeAllocations: true))
            {
                project = await MeasureAsync(app, connections, options.Duration);
            }

            await using (var azurite = await AzuriteServer.StartAsync(options.LogDirectory, $"ingress-reference-{connections}"))
            await using (var bare = await Servers.StartReferenceAsync(options.LogDirectory, $"ingress-azurite-{connections}", azurite.ConnectionString, probeAllocations: true))
            {
                reference = await MeasureAsync(bare, connections, options.Duration);
            }

            Add(report, $"ingress, Azurite, {connections} connections", project, reference);
        }
    }

    private static async Task<ClosedLoop.Result> MeasureAsync(Server server, int connections, TimeSpan duration)
    {
        Console.WriteLine($"  {server.Process.Name}: {connections} connections");
        using var client = new WebhookClient(server.WebhookUrl("bench"), connections);
        return await ClosedLoop.RunAsync(client, connections, WarmUp, duration, () => (server.Process.CpuTime(), server.AllocatedBytes()));
    }

    private static void Add(Report report, string section, ClosedLoop.Result project, ClosedLoop.Result reference)
    {
        report.Add(section, "webhooks/s (202s)", project.PerSecond, reference.PerSecond, "/s", "higher", 0);
        report.Add(section, "latency p99 (closed loop)", project.Latency.P99, reference.Latency.P99, "ms", "lower", 2);
        if (project.CpuMicrosecondsPerRequest is { } cpu && reference.CpuMicrosecondsPerRequest is { } referenceCpu)
        {
            report.Add(section, "server CPU per webhook", cpu, referenceCpu, "µs", "lower", 0);
        }

        if (project.BytesPerRequest is { } bytes && reference.BytesPerRequest is { } referenceBytes)
        {
            report.Add(section, "bytes allocated per webhook", bytes / 1024, referenceBytes / 1024, "KiB", "lower", 1);
        }

        foreach (var (who, result) in new[] { ("this project", project), ("reference", reference) })
        {
            if (result.Failed > 0)
            {
                report.Note($"{section}, {who}: {result.Failed} request(s) not answered 202 ({result.Failures}).");
            }
        }
    }
}
