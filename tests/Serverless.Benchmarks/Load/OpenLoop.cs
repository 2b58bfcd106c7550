using System.Diagnostics;

namespace Serverless.Benchmarks.Load;

/// <summary>
/// Open-loop load at a fixed rate: request i is due at start + i/rate on the clock, whether or not earlier
/// requests have been answered, and every latency is measured from that due time. A server that falls
/// behind therefore shows its queueing in the latencies instead of slowing the sender down (no coordinated
/// omission). A dedicated thread fires whatever is due, then sleeps about a millisecond; a request is never
/// sent early, at most about a millisecond late, and that lateness is counted in its latency.
/// </summary>
internal static class OpenLoop
{
    private static long s_sequence;

    public sealed class Run(double rate, TimeSpan duration, int count)
    {
        public double Rate { get; } = rate;

        public TimeSpan Duration { get; } = duration;

        public long[] Due { get; } = new long[count];

        public long[] Completed { get; } = new long[count];

        public int[] Status { get; } = new int[count];

        public string?[] EventIds { get; } = new string?[count];

        /// <summary>How late the sender fired its latest request, in milliseconds (its own lag).</summary>
        public double MaxSendLagMs { get; set; }

        public int Sent => Due.Length;

        public int Accepted => Status.Count(s => s == 202);

        public int Failed => Sent - Accepted;

        /// <summary>Due time to the end of the 202 answer, for the accepted requests.</summary>
        public Latency ResponseLatency()
        {
            var values = new List<double>(Sent);
            for (var i = 0; i < Sent; i++)
            {
                if (Status[i] == 202)
                {
                    values.Add(Milliseconds(Completed[i] - Due[i]));
                }
            }

            return Latency.Of(values);
        }

        /// <summary>What the other non-202 answers were, e.g. "503 x12, failed x3".</summary>
        public string FailureSummary() => string.Join(", ", Status.Where(s => s != 202).GroupBy(s => s).OrderBy(g => g.Key)
            .Select(g => $"{(g.Key == 0 ? "no answer" : g.Key.ToString(System.Globalization.CultureInfo.InvariantCulture))} x{g.Count()}"));
    }

    public static double Milliseconds(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;

    public static async Task<Run> RunAsync(WebhookClient client, double rate, TimeSpan duration)
    {
        var count = Math.Max(1, (int)Math.Round(rate * duration.TotalSeconds));
        var run = new Run(rate, duration, count);
        var tasks = new Task[count];
        var interval = Stopwatch.Frequency / rate;
        var firstSequence = Interlocked.Add(ref s_sequence, count) - count;
        var dispatched = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var start = Stopwatch.GetTimestamp() + (Stopwatch.Frequency / 50);
        var sender = new Thread(() =>
        {
            var next = 0;
            var maxLag = 0L;
            while (next < count)
            {
                var now = Stopwatch.GetTimestamp();
                while (next < count)
                {
                    var due = start + (long)(next * interval);
                    if (due > now)
                    {
                        break;
                    }

                    maxLag = Math.Max(maxLag, now - due);
                    run.Due[next] = due;
                    var index = next;
                    tasks[index] = Task.Run(async () =>
                    {
                        var (status, id) = await client.PostAsync(firstSequence + index);
                        run.Completed[index] = Stopwatch.GetTimestamp();
                        run.Status[index] = status;
                        run.EventIds[index] = id;
                    });
                    next++;
                }

                if (next < count)
                {
                    Thread.Sleep(1);
                }
            }

            run.MaxSendLagMs = Milliseconds(maxLag);
            dispatched.SetResult();
        })
        {
            IsBackground = true,
            Name = "open-loop sender",
            Priority = ThreadPriority.AboveNormal,
        };
        sender.Start();
        await dispatched.Task;
        await Task.WhenAll(tasks);
        return run;
    }
}
