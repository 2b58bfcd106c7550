using System.Diagnostics;

namespace Serverless.Benchmarks.Load;

/// <summary>
/// Closed-loop maximum throughput: N connections, each sending its next request as soon as the previous
/// one is answered. After a warm-up, the answers that arrive within the measured window count; the server
/// process's CPU time and allocated bytes are read at the window's edges.
/// </summary>
internal static class ClosedLoop
{
    private static long s_sequence = 1L << 40;

    public sealed record Result(int Connections, TimeSpan Window, int Accepted, int Failed, Latency Latency, TimeSpan? Cpu, long? AllocatedBytes, string Failures)
    {
        public double PerSecond => Accepted / Window.TotalSeconds;

        public double? CpuMicrosecondsPerRequest => Cpu is { } cpu && Accepted > 0 ? cpu.TotalMicroseconds / Accepted : null;

        public double? BytesPerRequest => AllocatedBytes is { } bytes && Accepted > 0 ? (double)bytes / Accepted : null;
    }

    /// <param name="snapshot">Reads the server's (CPU time, allocated bytes) at the window's edges.</param>
    public static async Task<Result> RunAsync(WebhookClient client, int connections, TimeSpan warmUp, TimeSpan duration, Func<(TimeSpan? Cpu, long? Allocated)> snapshot)
    {
        var start = Stopwatch.GetTimestamp();
        var measureFrom = start + (long)(warmUp.TotalSeconds * Stopwatch.Frequency);
        var measureTo = measureFrom + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var latencies = new List<double>[connections];
        var accepted = new int[connections];
        var failures = new List<int>[connections];
        var workers = new Task[connections];
        for (var c = 0; c < connections; c++)
        {
            var worker = c;
            latencies[worker] = new List<double>(4096);
            failures[worker] = [];
            workers[worker] = Task.Run(async () =>
            {
                while (true)
                {
                    var sent = Stopwatch.GetTimestamp();
                    if (sent >= measureTo)
                    {
                        return;
                    }

                    var (status, _) = await client.PostAsync(Interlocked.Increment(ref s_sequence));
                    var done = Stopwatch.GetTimestamp();
                    if (done >= measureFrom && done <= measureTo)
                    {
                        if (status == 202)
                        {
                            accepted[worker]++;
                            latencies[worker].Add(OpenLoop.Milliseconds(done - sent));
                        }
                        else
                        {
                            failures[worker].Add(status);
                        }
                    }
                }
            });
        }

        await Until(measureFrom);
        var before = snapshot();
        await Until(measureTo);
        var after = snapshot();
        await Task.WhenAll(workers);

        var failed = failures.SelectMany(f => f).ToList();
        return new Result(
            connections,
            duration,
            accepted.Sum(),
            failed.Count,
            Latency.Of([.. latencies.SelectMany(l => l)]),
            after.Cpu - before.Cpu,
            after.Allocated - before.Allocated,
            string.Join(", ", failed.GroupBy(s => s).Select(g => $"{(g.Key == 0 ? "no answer" : g.Key.ToString(System.Globalization.CultureInfo.InvariantCulture))} x{g.Count()}")));
    }

    private static Task Until(long timestamp)
    {
        var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), timestamp);
        return wait > TimeSpan.Zero ? Task.Delay(wait) : Task.CompletedTask;
    }

    /// <summary>Sends exactly <paramref name="total"/> requests over <paramref name="connections"/> connections; returns how many got 202.</summary>
    public static async Task<int> SendAsync(WebhookClient client, int connections, int total)
    {
        var next = -1;
        var accepted = 0;
        await Task.WhenAll(Enumerable.Range(0, connections).Select(_ => Task.Run(async () =>
        {
            while (Interlocked.Increment(ref next) < total)
            {
                if ((await client.PostAsync(Interlocked.Increment(ref s_sequence))).Status == 202)
                {
                    Interlocked.Increment(ref accepted);
                }
            }
        })));
        return accepted;
    }
}
