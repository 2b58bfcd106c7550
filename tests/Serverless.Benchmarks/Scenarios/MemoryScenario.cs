using Serverless.Benchmarks.Load;
using Serverless.Benchmarks.Processes;

namespace Serverless.Benchmarks.Scenarios;

/// <summary>
/// Resident memory (VmRSS from /proc/PID/status): idle two seconds after start, and one second after
/// 10,000 events went through (for the function app: accepted, delivered by a relay and acknowledged, so
/// the in-memory inbox is empty again; its default bound applies). VmHWM gives the peak.
/// </summary>
internal static class MemoryScenario
{
    private const int Events = 10_000;
    private const int Connections = 16;
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(2);

    public static async Task RunAsync(BenchOptions options, Report report)
    {
        Console.WriteLine($"== memory: idle, and after {Events:N0} events over {Connections} connections");
        (long Rss, long Peak) appIdle, appAfter, relayIdle, relayAfter, bareIdle, bareAfter, consoleIdle;
        int accepted, delivered;
        await using (var app = await Servers.StartFunctionsAsync(options.LogDirectory, "memory"))
        {
            await Task.Delay(Settle);
            appIdle = app.Process.Memory();
            await using var relay = await RelayClient.StartAsync(app.BaseUrl, "memory");
            await Task.Delay(Settle);
            relayIdle = ProcFs.Memory(relay.ProcessId!.Value);
            var baseline = relay.NotificationCount;
            using (var client = new WebhookClient(app.WebhookUrl("memory"), Connections))
            {
                accepted = await ClosedLoop.SendAsync(client, Connections, Events);
            }

            await relay.WaitForAsync(baseline, accepted, TimeSpan.FromSeconds(10), TimeSpan.FromMinutes(2));
            delivered = (int)(relay.NotificationCount - baseline);
            await Task.Delay(TimeSpan.FromSeconds(1));
            appAfter = app.Process.Memory();
            relayAfter = ProcFs.Memory(relay.ProcessId!.Value);
        }

        await using (var bare = await Servers.StartReferenceAsync(options.LogDirectory, "memory"))
        {
            await Task.Delay(Settle);
            bareIdle = bare.Process.Memory();
            using (var client = new WebhookClient(bare.WebhookUrl("memory"), Connections))
            {
                await ClosedLoop.SendAsync(client, Connections, Events);
            }

            await Task.Delay(TimeSpan.FromSeconds(1));
            bareAfter = bare.Process.Memory();
        }

        // The relay's reference: a .NET console process (this harness's stdio echo) waiting on stdin.
        await using (var console = ChildProcess.Start("stdio-echo", "dotnet", [Paths.HarnessAssembly, StdioEcho.Command], new Dictionary<string, string?>(), Path.Combine(options.LogDirectory, "stdio-echo.log")))
        {
            await Task.Delay(Settle);
            consoleIdle = console.Memory();
        }

        const string Section = "memory";
        report.Add(Section, "function app RSS, idle", MiB(appIdle.Rss), MiB(bareIdle.Rss), "MiB", "lower", 1);
        report.Add(Section, $"function app RSS, after {Events:N0} events", MiB(appAfter.Rss), MiB(bareAfter.Rss), "MiB", "lower", 1);
        report.Add(Section, $"function app peak RSS (VmHWM), {Events:N0} events", MiB(appAfter.Peak), MiB(bareAfter.Peak), "MiB", "lower", 1);
        report.Add(Section, "relay RSS, idle and connected (ref: .NET console)", MiB(relayIdle.Rss), MiB(consoleIdle.Rss), "MiB", "lower", 1);
        report.Add(Section, $"relay RSS, after {Events:N0} events (ref: .NET console)", MiB(relayAfter.Rss), MiB(consoleIdle.Rss), "MiB", "lower", 1);
        if (accepted != Events || delivered != accepted)
        {
            report.Note($"memory: {accepted} of {Events} webhooks accepted, {delivered} notifications received before the RSS was read.");
        }
    }

    private static double MiB(long bytes) => bytes / (1024.0 * 1024.0);
}
