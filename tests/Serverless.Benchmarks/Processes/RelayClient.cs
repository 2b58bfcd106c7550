using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace Serverless.Benchmarks.Processes;

/// <summary>
/// The relay as Claude Code starts it (a child process on stdio), driven by the official MCP client, with
/// the arrival time of every <c>notifications/claude/channel</c> kept by event id.
/// </summary>
internal sealed partial class RelayClient : IAsyncDisposable
{
    public const string ChannelMethod = "notifications/claude/channel";

    private readonly ConcurrentDictionary<string, Arrival> _arrivals = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _stderr = new();
    private readonly string _home = Directory.CreateTempSubdirectory("bench-relay").FullName;
    private McpClient? _client;
    private long _notifications;
    private volatile bool _connected;

    private RelayClient()
    {
    }

    /// <summary>First arrival (a <see cref="Stopwatch"/> timestamp) and how many times it came.</summary>
    public sealed class Arrival(long first)
    {
        private int _count = 1;

        public long First { get; } = first;

        public int Count => _count;

        public void Again() => Interlocked.Increment(ref _count);
    }

    public long NotificationCount => Interlocked.Read(ref _notifications);

    public int? ProcessId { get; private set; }

    public string Stderr => string.Join('\n', _stderr);

    public Arrival? ArrivalOf(string eventId) => _arrivals.GetValueOrDefault(eventId);

    /// <param name="executable">A published relay (Native AOT) to run instead of <c>dotnet relay.dll</c>.</param>
    public static async Task<RelayClient> StartAsync(Uri url, string channel, string? executable = null)
    {
        if (!File.Exists(executable ?? Paths.RelayAssembly))
        {
            throw new FileNotFoundException($"The relay is not built at {executable ?? Paths.RelayAssembly}.");
        }

        var relay = new RelayClient();
        var transport = new StdioClientTransport(new StdioClientTransportOptions
        {
            Name = "relay",
            Command = executable ?? "dotnet",
            Arguments = [.. executable is null ? [Paths.RelayAssembly] : Array.Empty<string>(), "--url", url.ToString(), "--channel", channel, "--state-file", Path.Combine(relay._home, "relay.delivered")],
            EnvironmentVariables = new Dictionary<string, string?>
            {
                ["RELAY_TOKEN"] = Servers.RelayToken,
                // Whatever the relay keeps of its own stays in a temporary folder.
                ["XDG_STATE_HOME"] = relay._home,
                ["XDG_CONFIG_HOME"] = relay._home,
            },
            StandardErrorLines = relay.OnStderr,
            ShutdownTimeout = TimeSpan.FromSeconds(5),
        });
        var options = new McpClientOptions
        {
            ClientInfo = new Implementation { Name = "serverless-benchmarks", Version = "1.0" },
            Handlers = new McpClientHandlers
            {
                NotificationHandlers = [new(ChannelMethod, (notification, _) =>
                {
                    var now = Stopwatch.GetTimestamp();
                    if (notification.Params?["meta"]?["event_id"]?.GetValue<string>() is { } id)
                    {
                        relay._arrivals.AddOrUpdate(id, static (_, t) => new Arrival(t), static (_, a, _) =>
                        {
                            a.Again();
                            return a;
                        }, now);
                    }

                    Interlocked.Increment(ref relay._notifications);
                    return ValueTask.CompletedTask;
                })],
            },
        };
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        relay._client = await McpClient.CreateAsync(transport, options, cancellationToken: timeout.Token);
        var deadline = Stopwatch.GetTimestamp() + (30 * Stopwatch.Frequency);
        while (!relay._connected || relay.ProcessId is null)
        {
            if (Stopwatch.GetTimestamp() > deadline)
            {
                await relay.DisposeAsync();
                throw new TimeoutException("The relay did not connect to Web PubSub within 30 s:\n" + relay.Stderr);
            }

            await Task.Delay(20);
        }

        return relay;
    }

    private void OnStderr(string line)
    {
        // Every line of the start, then only what is not the per-event log (which would grow with the run).
        if (!_connected || !line.Contains("Delivered event", StringComparison.Ordinal))
        {
            _stderr.Enqueue(line);
        }

        if (ProcessId is null && PidLine().Match(line) is { Success: true } match)
        {
            ProcessId = int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
            ChildProcess.Track(ProcessId.Value);
        }

        if (line.Contains("Connected to Web PubSub", StringComparison.Ordinal))
        {
            _connected = true;
        }
    }

    /// <summary>
    /// Waits until <paramref name="expected"/> more notifications than <paramref name="baseline"/> arrived,
    /// or nothing arrived for <paramref name="stall"/>, or <paramref name="cap"/> passed.
    /// </summary>
    public async Task WaitForAsync(long baseline, long expected, TimeSpan stall, TimeSpan cap)
    {
        var start = Stopwatch.GetTimestamp();
        var lastCount = NotificationCount;
        var lastProgress = start;
        while (NotificationCount - baseline < expected)
        {
            var now = Stopwatch.GetTimestamp();
            if (NotificationCount != lastCount)
            {
                lastCount = NotificationCount;
                lastProgress = now;
            }
            else if (Stopwatch.GetElapsedTime(lastProgress, now) > stall || Stopwatch.GetElapsedTime(start, now) > cap)
            {
                return;
            }

            await Task.Delay(20);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_client is not null)
        {
            await _client.DisposeAsync();
        }

        if (ProcessId is { } pid)
        {
            try
            {
                using var process = Process.GetProcessById(pid);
                if (!process.HasExited)
                {
                    process.Kill(entireProcessTree: true);
                }
            }
            catch (ArgumentException)
            {
                // Exited when its stdin closed.
            }

            ChildProcess.Untrack(pid);
        }

        try
        {
            Directory.Delete(_home, recursive: true);
        }
        catch (IOException)
        {
            // A temporary folder; leaving it behind is harmless.
        }
    }

    [GeneratedRegex(@"\(pid (\d+)\)")]
    private static partial Regex PidLine();
}
