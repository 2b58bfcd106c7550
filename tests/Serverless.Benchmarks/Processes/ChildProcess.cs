using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Serverless.Benchmarks.Processes;

/// <summary>
/// A server the harness starts: its output goes to a log file (so the harness spends nothing reading it),
/// it is timed from the moment it is started, and it is killed at the end, or when the harness exits.
/// </summary>
internal sealed class ChildProcess : IAsyncDisposable
{
    private static readonly ConcurrentDictionary<int, Process> Live = new();

    private readonly Process _process;

    private ChildProcess(string name, Process process, long started, string logFile)
    {
        Name = name;
        _process = process;
        Started = started;
        LogFile = logFile;
    }

    public string Name { get; }

    public int Id => _process.Id;

    /// <summary>The <see cref="Stopwatch"/> timestamp taken just before the process was started.</summary>
    public long Started { get; }

    public string LogFile { get; }

    public bool HasExited => _process.HasExited;

    /// <summary>
    /// Starts <paramref name="fileName"/> through <c>sh -c 'exec ...'</c>, which replaces the shell, so the
    /// process id is the program's own and its output goes straight to <paramref name="logFile"/>.
    /// </summary>
    public static ChildProcess Start(string name, string fileName, IEnumerable<string> arguments, IReadOnlyDictionary<string, string?> environment, string logFile)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(logFile)!);
        var start = new ProcessStartInfo("/bin/sh") { UseShellExecute = false, RedirectStandardInput = true };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add("exec \"$0\" \"$@\" >>\"$BENCH_CHILD_LOG\" 2>&1");
        start.ArgumentList.Add(fileName);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["BENCH_CHILD_LOG"] = logFile;
        foreach (var (key, value) in environment)
        {
            if (value is null)
            {
                start.Environment.Remove(key);
            }
            else
            {
                start.Environment[key] = value;
            }
        }

        var started = Stopwatch.GetTimestamp();
        var process = Process.Start(start) ?? throw new InvalidOperationException($"{name} did not start");
        Live[process.Id] = process;
        return new ChildProcess(name, process, started, logFile);
    }

    /// <summary>Polls <paramref name="health"/> until it answers 2xx; returns the time since the start.</summary>
    public async Task<TimeSpan> WaitHealthyAsync(Uri health, TimeSpan within)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(within.TotalSeconds * Stopwatch.Frequency);
        while (Stopwatch.GetTimestamp() < deadline)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"{Name} exited with code {_process.ExitCode} before it was healthy; see {LogFile}");
            }

            try
            {
                using var response = await HealthProbe.Client.GetAsync(health);
                if (response.IsSuccessStatusCode)
                {
                    return Stopwatch.GetElapsedTime(Started);
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException)
            {
                // Not answering yet.
            }

            await Task.Delay(5);
        }

        throw new TimeoutException($"{Name} was not healthy at {health} within {within.TotalSeconds:0} s; see {LogFile}");
    }

    /// <summary>Resident memory now (VmRSS) and at its peak (VmHWM), in bytes.</summary>
    public (long Rss, long Peak) Memory() => ProcFs.Memory(Id);

    /// <summary>User plus system CPU time of the whole process so far.</summary>
    public TimeSpan CpuTime() => ProcFs.CpuTime(Id);

    public async Task StopAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
        finally
        {
            Live.TryRemove(_process.Id, out _);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _process.Dispose();
    }

    /// <summary>Kills whatever is still running: on Ctrl+C, on an unhandled failure, at exit.</summary>
    public static void KillAll()
    {
        foreach (var (id, process) in Live)
        {
            try
            {
                if (!process.HasExited)
                {
                    process.Kill(entireProcessTree: true);
                }
            }
            catch (InvalidOperationException)
            {
                // Already gone.
            }

            Live.TryRemove(id, out _);
        }
    }

    /// <summary>Registers a process started elsewhere (the relay, started by the MCP client) for <see cref="KillAll"/>.</summary>
    public static void Track(int processId)
    {
        try
        {
            Live[processId] = Process.GetProcessById(processId);
        }
        catch (ArgumentException)
        {
            // Already gone.
        }
    }

    public static void Untrack(int processId) => Live.TryRemove(processId, out _);

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>One client for every health poll, warmed up once so its first use times nothing of its own.</summary>
    private static class HealthProbe
    {
        public static readonly HttpClient Client = Create();

        private static HttpClient Create()
        {
            var client = new HttpClient(new SocketsHttpHandler { UseProxy = false, ConnectTimeout = TimeSpan.FromSeconds(1) })
            {
                Timeout = TimeSpan.FromSeconds(2),
            };
            try
            {
                // A port nobody listens on: JIT-compiles the request path before any start is timed.
                client.GetAsync(new Uri($"http://127.0.0.1:{FreePort()}/")).GetAwaiter().GetResult().Dispose();
            }
            catch (HttpRequestException)
            {
                // Expected.
            }

            return client;
        }
    }

    public static void WarmUp() => _ = HealthProbe.Client;
}

/// <summary>Reads /proc for a process's memory and CPU time.</summary>
internal static class ProcFs
{
    public static (long Rss, long Peak) Memory(int processId)
    {
        long rss = 0, peak = 0;
        foreach (var line in File.ReadLines($"/proc/{processId}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                rss = Kilobytes(line);
            }
            else if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
            {
                peak = Kilobytes(line);
            }
        }

        return (rss, peak);

        static long Kilobytes(string line) =>
            long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
    }

    /// <summary>utime + stime from /proc/PID/stat (fields 14 and 15, in clock ticks of 1/100 s on Linux).</summary>
    public static TimeSpan CpuTime(int processId)
    {
        var stat = File.ReadAllText($"/proc/{processId}/stat");
        // The command name (field 2) is in parentheses and may hold spaces: count fields after the last ')'.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        return TimeSpan.FromMilliseconds(ticks * 10);
    }
}
