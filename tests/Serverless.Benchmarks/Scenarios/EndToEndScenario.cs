using System.Globalization;
using Serverless.Benchmarks.Load;
using Serverless.Benchmarks.Processes;

namespace Serverless.Benchmarks.Scenarios;

/// <summary>
/// Open-loop webhook-to-notification latency: webhooks at a fixed rate into the function app, a real relay
/// process driven by the MCP client, each notification matched to its webhook by event id. The reference
/// is the bare app's 202 answer at the same rate: one HTTP hop, the floor of any webhook pipeline.
/// </summary>
internal static class EndToEndScenario
{
    public const double KneeP99Ms = 30;
    private const string Channel = "bench";
    private static readonly double[] Rates = [200, 1000, 2500];
    private static readonly double[] Ladder = [200, 400, 600, 800, 1000, 1250, 1500, 2000, 2500, 3000, 4000, 5000, 6000, 8000, 10000];
    private static readonly TimeSpan WarmUp = TimeSpan.FromSeconds(1);

    /// <summary>What one open-loop run delivered, and how fast.</summary>
    private sealed record Outcome(double Rate, OpenLoop.Run Run, Latency Notification, int Delivered, int Lost, int Duplicates)
    {
        public Latency Response { get; } = Run.ResponseLatency();

        public bool UnderKnee(bool endToEnd) => Run.Failed == 0 && (endToEnd
            ? Lost == 0 && Notification.P99 < KneeP99Ms
            : Response.P99 < KneeP99Ms);

        public string Describe(bool endToEnd) => endToEnd
            ? $"notification p50 {Notification.P50:0.0} / p99 {Notification.P99:0.0} / max {Notification.Max:0.0} ms, 202 p99 {Response.P99:0.0} ms, " +
              $"sent {Run.Sent}, 202 {Run.Accepted}, delivered {Delivered}, lost {Lost}, duplicated {Duplicates}{Failures}, sender lag max {Run.MaxSendLagMs:0.0} ms"
            : $"202 p50 {Response.P50:0.0} / p99 {Response.P99:0.0} / max {Response.Max:0.0} ms, sent {Run.Sent}, 202 {Run.Accepted}{Failures}, sender lag max {Run.MaxSendLagMs:0.0} ms";

        private string Failures => Run.Failed > 0 ? $" ({Run.FailureSummary()})" : string.Empty;
    }

    public static async Task RunAsync(BenchOptions options, Report report)
    {
        Console.WriteLine($"== e2e: open loop, {options.DurationSeconds:0.#} s per rate, knee steps of {options.KneeStep.TotalSeconds:0.#} s");
        var project = new Dictionary<double, Outcome>();
        var reference = new Dictionary<double, Outcome>();
        string projectKnee, referenceKnee;
        double? projectKneeRate, referenceKneeRate;

        await using (var app = await Servers.StartFunctionsAsync(options.LogDirectory, "e2e-memory"))
        await using (var relay = await RelayClient.StartAsync(app.BaseUrl, Channel))
        using (var client = new WebhookClient(app.WebhookUrl(Channel), 256))
        {
            await RunAsync(client, relay, 500, TimeSpan.FromSeconds(2), "warm-up");
            foreach (var rate in Rates)
            {
                await RunAsync(client, relay, rate, WarmUp, "warm-up");
                project[rate] = await RunAsync(client, relay, rate, options.Duration, "this project, in memory");
            }

            (projectKneeRate, projectKnee) = await KneeAsync(rate => RunAsync(client, relay, rate, options.KneeStep, "knee, this project"), endToEnd: true, report, "this project (notification p99)");
        }

        await using (var bare = await Servers.StartReferenceAsync(options.LogDirectory, "e2e-memory"))
        using (var client = new WebhookClient(bare.WebhookUrl(Channel), 256))
        {
            await RunAsync(client, null, 500, TimeSpan.FromSeconds(2), "warm-up");
            foreach (var rate in Rates)
            {
                await RunAsync(client, null, rate, WarmUp, "warm-up");
                reference[rate] = await RunAsync(client, null, rate, options.Duration, "reference");
            }

            (referenceKneeRate, referenceKnee) = await KneeAsync(rate => RunAsync(client, null, rate, options.KneeStep, "knee, reference"), endToEnd: false, report, "reference (202 p99)");
        }

        foreach (var rate in Rates)
        {
            Add(report, $"e2e {rate:0}/s, in memory", project[rate], reference[rate]);
        }

        report.Add(
            "e2e knee, in memory",
            $"highest rate with p99 < {KneeP99Ms:0} ms",
            projectKnee,
            referenceKnee,
            projectKneeRate / referenceKneeRate,
            "higher");

        if (!options.Azurite)
        {
            report.Note("Azurite end-to-end figures skipped (--no-azurite).");
            return;
        }

        if (await AzuriteServer.EnsureInstalledAsync() is { } missing)
        {
            report.Note($"Azurite end-to-end figures skipped: {missing}.");
            return;
        }

        const double DurableRate = 200;
        Outcome durable, durableReference;
        await using (var azurite = await AzuriteServer.StartAsync(options.LogDirectory, "e2e-app"))
        await using (var app = await Servers.StartFunctionsAsync(options.LogDirectory, "e2e-azurite", azurite.ConnectionString))
        await using (var relay = await RelayClient.StartAsync(app.BaseUrl, Channel))
        using (var client = new WebhookClient(app.WebhookUrl(Channel), 256))
        {
            await RunAsync(client, relay, DurableRate, TimeSpan.FromSeconds(2), "warm-up");
            durable = await RunAsync(client, relay, DurableRate, options.Duration, "this project, Azurite");
        }

        await using (var azurite = await AzuriteServer.StartAsync(options.LogDirectory, "e2e-reference"))
        await using (var bare = await Servers.StartReferenceAsync(options.LogDirectory, "e2e-azurite", azurite.ConnectionString))
        using (var client = new WebhookClient(bare.WebhookUrl(Channel), 256))
        {
            await RunAsync(client, null, DurableRate, TimeSpan.FromSeconds(2), "warm-up");
            durableReference = await RunAsync(client, null, DurableRate, options.Duration, "reference, Azurite queue put");
        }

        Add(report, $"e2e {DurableRate:0}/s, Azurite", durable, durableReference);
    }

    private static void Add(Report report, string section, Outcome project, Outcome reference)
    {
        report.Add(section, "notification latency p50 (ref: 202)", project.Notification.P50, reference.Response.P50, "ms", "lower", 1);
        report.Add(section, "notification latency p99 (ref: 202)", project.Notification.P99, reference.Response.P99, "ms", "lower", 1);
        report.Add(section, "notification latency max (ref: 202)", project.Notification.Max, reference.Response.Max, "ms", "lower", 1);
        report.Add(section, "webhook 202 latency p99", project.Response.P99, reference.Response.P99, "ms", "lower", 1);
        report.Add(
            section,
            "delivered / lost / duplicated",
            $"{project.Delivered} / {project.Lost} / {project.Duplicates} of {project.Run.Sent}",
            $"{reference.Run.Accepted} answered 202 of {reference.Run.Sent}");
        foreach (var (who, outcome) in new[] { ("this project", project), ("reference", reference) })
        {
            if (outcome.Run.Failed > 0)
            {
                report.Note($"{section}, {who}: {outcome.Run.Failed} webhook(s) not answered 202 ({outcome.Run.FailureSummary()}); a webhook that was not accepted is not counted as lost.");
            }
        }
    }

    /// <summary>One open-loop run; with a relay, waits for the notifications and matches them by event id.</summary>
    private static async Task<Outcome> RunAsync(WebhookClient client, RelayClient? relay, double rate, TimeSpan duration, string label)
    {
        var baseline = relay?.NotificationCount ?? 0;
        var run = await OpenLoop.RunAsync(client, rate, duration);
        if (relay is null)
        {
            var bare = new Outcome(rate, run, default, 0, 0, 0);
            Log(label, bare, endToEnd: false);
            return bare;
        }

        // Everything accepted should arrive; a stalled or overloaded relay is given 10 s without progress.
        var cap = TimeSpan.FromSeconds(Math.Max(30, 3 * duration.TotalSeconds));
        await relay.WaitForAsync(baseline, run.Accepted, TimeSpan.FromSeconds(10), cap);
        var latencies = new List<double>(run.Sent);
        int delivered = 0, lost = 0, duplicates = 0;
        for (var i = 0; i < run.Sent; i++)
        {
            if (run.Status[i] != 202)
            {
                continue;
            }

            if (run.EventIds[i] is { } id && relay.ArrivalOf(id) is { } arrival)
            {
                delivered++;
                duplicates += arrival.Count - 1;
                latencies.Add(OpenLoop.Milliseconds(arrival.First - run.Due[i]));
            }
            else
            {
                lost++;
            }
        }

        var outcome = new Outcome(rate, run, Latency.Of(latencies), delivered, lost, duplicates);
        Log(label, outcome, endToEnd: true);
        return outcome;
    }

    private static void Log(string label, Outcome outcome, bool endToEnd) =>
        Console.WriteLine($"  {label} at {outcome.Rate:0}/s for {outcome.Run.Duration.TotalSeconds:0.#} s: {outcome.Describe(endToEnd)}");

    /// <summary>Steps up the ladder until a step's p99 reaches 30 ms (or an event is lost or refused).</summary>
    private static async Task<(double? Rate, string Text)> KneeAsync(Func<double, Task<Outcome>> step, bool endToEnd, Report report, string who)
    {
        double? passed = null;
        foreach (var rate in Ladder)
        {
            var outcome = await step(rate);
            if (!outcome.UnderKnee(endToEnd))
            {
                var text = passed is { } p
                    ? $"{p.ToString("N0", CultureInfo.InvariantCulture)}/s"
                    : $"< {rate.ToString("N0", CultureInfo.InvariantCulture)}/s";
                report.Note(
                    $"knee, {who}: the first step over was {rate:0}/s ({outcome.Describe(endToEnd)})." +
                    (outcome.Run.MaxSendLagMs > 5 ? " The load generator itself fell behind its schedule there, so the machine (2 cores shared by sender and servers) may be the limit rather than the app." : string.Empty));
                return (passed, text);
            }

            passed = rate;
        }

        return (passed, $">= {Ladder[^1].ToString("N0", CultureInfo.InvariantCulture)}/s (top of the ladder)");
    }
}
