using Serverless.Benchmarks.Load;
using Serverless.Benchmarks.Processes;

namespace Serverless.Benchmarks.Scenarios;

/// <summary>
/// Resident memory (VmRSS from /proc/PID/status): idle two seconds after start, and one second after
/// 10,000 events went through (for the function app: accepted, delivered by a relay and acknowledged, so
/// the in-memory inbox is empty again; its default bound applies). VmHWM gives the peak. Each relay (JIT,
/// and the Native AOT build people install) is read once more after another 10,000 events.
/// </summary>
internal static class MemoryScenario
{
    private const int Events = 10_000;
    private const int Connections = 16;
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(2);

    public static async Task RunAsync(BenchOptions options, Report report)
    {
        Console.WriteLine($"== memory: idle, and after {Events:N0} events over {Connections} connections");
        (long Rss, long Peak) appIdle, appAfter, bareIdle, bareAfter, consoleIdle;
        RelayMemory jit;
        RelayMemory? aot = null;
        string? aotExecutable = null;
        if (options.Aot)
        {
            // People run the installed tool, which is the Native AOT build; the startup section publishes it first.
            var published = Path.Combine(options.OutputDirectory, "relay-aot", "relay");
            (aotExecutable, var failure) = File.Exists(published) ? (published, null) : await StartupScenario.PublishAotAsync(options);
            if (failure is not null)
            {
                report.Note($"memory: Native AOT relay skipped: {failure}");
            }
        }

        await using (var app = await Servers.StartFunctionsAsync(options.LogDirectory, "memory"))
        {
            await Task.Delay(Settle);
            appIdle = app.Process.Memory();
            jit = await MeasureRelayAsync(app, executable: null, report, "relay");
            appAfter = app.Process.Memory();
            if (aotExecutable is not null)
            {
                aot = await MeasureRelayAsync(app, aotExecutable, report, "relay (Native AOT)");
            }
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
        foreach (var (name, relay) in new[] { ("relay", (RelayMemory?)jit), ("relay (Native AOT)", aot) })
        {
            if (relay is not { } measured)
            {
                continue;
            }

            report.Add(Section, $"{name} RSS, idle and connected (ref: .NET console)", MiB(measured.Idle), MiB(consoleIdle.Rss), "MiB", "lower", 1);
            report.Add(Section, $"{name} RSS, after {Events:N0} events (ref: .NET console)", MiB(measured.After), MiB(consoleIdle.Rss), "MiB", "lower", 1);
            report.Add(Section, $"{name} RSS, after {2 * Events:N0} events (ref: after {Events:N0})", MiB(measured.AfterTwice), MiB(measured.After), "MiB", "lower", 1);
        }
    }

    private readonly record struct RelayMemory(long Idle, long After, long AfterTwice);

    /// <summary>
    /// A relay's RSS idle, after 10,000 events and after another 10,000: its logs of delivered ids and
    /// receipts are bounded at 10,000 entries, so the second batch shows whether it stays flat once full.
    /// </summary>
    private static async Task<RelayMemory> MeasureRelayAsync(Server app, string? executable, Report report, string name)
    {
        var channel = executable is null ? "memory" : "memory-aot";
        await using var relay = await RelayClient.StartAsync(app.BaseUrl, channel, executable);
        await Task.Delay(Settle);
        var idle = ProcFs.Memory(relay.ProcessId!.Value).Rss;
        var after = new long[2];
        for (var batch = 0; batch < after.Length; batch++)
        {
            var baseline = relay.NotificationCount;
            int accepted;
            using (var client = new WebhookClient(app.WebhookUrl(channel), Connections))
            {
                accepted = await ClosedLoop.SendAsync(client, Connections, Events);
            }

            await relay.WaitForAsync(baseline, accepted, TimeSpan.FromSeconds(10), TimeSpan.FromMinutes(2));
            var delivered = (int)(relay.NotificationCount - baseline);
            if (accepted != Events || delivered != accepted)
            {
                report.Note($"memory, {name}: {accepted} of {Events} webhooks accepted and {delivered} notifications received in batch {batch + 1} before the RSS was read.");
            }

            await Task.Delay(TimeSpan.FromSeconds(1));
            after[batch] = ProcFs.Memory(relay.ProcessId!.Value).Rss;
        }

        return new RelayMemory(idle, after[0], after[1]);
    }

    private static double MiB(long bytes) => bytes / (1024.0 * 1024.0);
}
