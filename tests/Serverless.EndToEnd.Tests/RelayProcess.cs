using System.Diagnostics;
using System.Collections.Concurrent;
using System.Reflection;
using System.Text.RegularExpressions;
using System.Text.Json.Nodes;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace Serverless.EndToEnd.Tests;

/// <summary>
/// The relay started as Claude Code starts it (a child process on stdio), driven by the MCP C# SDK
/// client with its default protocol settings (it probes <c>server/discover</c> first, as Claude Code
/// does, and falls back to <c>initialize</c> when the relay refuses), with every channel notification
/// and stderr line recorded.
/// </summary>
public sealed class RelayProcess : IAsyncDisposable
{
    public const string ChannelMethod = "notifications/claude/channel";

    private readonly ConcurrentQueue<string> _stderr = new();
    private readonly ConcurrentQueue<JsonObject> _notifications = new();
    private readonly ConcurrentQueue<JsonObject> _permissions = new();

    private RelayProcess()
    {
    }

    public McpClient Client { get; private set; } = null!;

    public IReadOnlyCollection<JsonObject> Notifications => [.. _notifications];

    /// <summary>The <c>notifications/claude/channel/permission</c> answers received.</summary>
    public IReadOnlyCollection<JsonObject> PermissionAnswers => [.. _permissions];

    public string Stderr => string.Join('\n', _stderr);

    /// <summary>Event ids in the order the relay wrote their notifications, from its stderr log.</summary>
    public IReadOnlyList<string> DeliveredEventIds =>
        [.. _stderr.Select(l => DeliveredLine.Match(l)).Where(m => m.Success).Select(m => m.Groups[1].Value)];

    private static readonly Regex DeliveredLine = new("Delivered event ([0-9a-f]+) ", RegexOptions.Compiled);

    public static string RelayAssembly =>
        typeof(RelayProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "RelayAssembly").Value!;

    public static Task<RelayProcess> StartAsync(Uri url, string channel, string token, string? stateFile = null, params string[] extraArguments) =>
        StartAsync(url, channel, token, stateFile, new Dictionary<string, string?>(), extraArguments);

    /// <summary>The relay with more environment variables (OpenTelemetry's, for instance) beside its token.</summary>
    public static Task<RelayProcess> StartWithEnvironmentAsync(Uri url, string channel, string token, IReadOnlyDictionary<string, string?> environment) =>
        StartAsync(url, channel, token, null, environment, []);

    private static async Task<RelayProcess> StartAsync(Uri url, string channel, string token, string? stateFile, IReadOnlyDictionary<string, string?> environment, string[] extraArguments)
    {
        var relay = new RelayProcess();
        stateFile ??= NewStateFile();
        var transport = new StdioClientTransport(new StdioClientTransportOptions
        {
            Name = "relay",
            Command = "dotnet",
            Arguments = [RelayAssembly, "--url", url.ToString(), "--channel", channel, "--state-file", stateFile, .. extraArguments],
            EnvironmentVariables = new Dictionary<string, string?>(environment) { ["RELAY_TOKEN"] = token },
            StandardErrorLines = relay._stderr.Enqueue,
            ShutdownTimeout = TimeSpan.FromSeconds(5),
        });
        var options = new McpClientOptions
        {
            ClientInfo = new Implementation { Name = "e2e", Version = "1.0" },
            Handlers = new McpClientHandlers
            {
                NotificationHandlers =
                [
                    new(ChannelMethod, (notification, _) =>
                    {
                        relay._notifications.Enqueue((JsonObject)notification.Params!.DeepClone());
                        return ValueTask.CompletedTask;
                    }),
                    new("notifications/claude/channel/permission", (notification, _) =>
                    {
                        relay._permissions.Enqueue((JsonObject)notification.Params!.DeepClone());
                        return ValueTask.CompletedTask;
                    }),
                ],
            },
        };
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        relay.Client = await McpClient.CreateAsync(transport, options, cancellationToken: timeout.Token);
        return relay;
    }

    /// <summary>
    /// A bare relay process with redirected stdio, for tests that drive the protocol by hand or need
    /// the process itself; <paramref name="token"/> null starts it without RELAY_TOKEN.
    /// </summary>
    public static ProcessStartInfo StartInfo(string? token, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add(RelayAssembly);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        if (token is null)
        {
            start.Environment.Remove("RELAY_TOKEN");
        }
        else
        {
            start.Environment["RELAY_TOKEN"] = token;
        }

        return start;
    }

    /// <summary>Runs one relay subcommand against the app with the development token, stdin closed; its exit code and output.</summary>
    public static Task<(int ExitCode, string Stdout, string Stderr)> RunCommandAsync(Uri url, string channel, params string[] arguments) =>
        RunCommandWithTokenAsync("dev-relay-token", url, channel, arguments);

    /// <summary>Runs one relay subcommand against the app with this relay token, stdin closed; its exit code and output.</summary>
    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunCommandWithTokenAsync(string token, Uri url, string channel, params string[] arguments)
    {
        using var process = Process.Start(StartInfo(token, [.. arguments, "--url", url.ToString(), "--channel", channel]))!;
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout, await stderr);
    }

    /// <summary>A state file of its own for one relay run.</summary>
    public static string NewStateFile() => Path.Combine(Path.GetTempPath(), $"relay-test-{Guid.NewGuid():N}.delivered");

    /// <summary>
    /// Waits until the delivery of <paramref name="expected"/> events has settled, with no fixed sleep: the
    /// relay has logged at least that many notifications as written, the channel's queue holds nothing (so
    /// every event was acknowledged and none can come again), and the client has received every
    /// notification the relay wrote. Returns the ids in the order the relay wrote them; a duplicate would
    /// show there.
    /// </summary>
    public async Task<IReadOnlyList<string>> SettledAsync(int expected, Func<Task<int>> waitingInQueue, TimeSpan within)
    {
        ArgumentNullException.ThrowIfNull(waitingInQueue);
        var deadline = DateTime.UtcNow + within;
        var waiting = -1;
        while (DateTime.UtcNow < deadline)
        {
            var written = DeliveredEventIds;
            if (written.Count >= expected && (waiting = await waitingInQueue()) == 0 && Notifications.Count >= written.Count)
            {
                return DeliveredEventIds;
            }

            await Task.Delay(50);
        }

        Assert.Fail($"delivery did not settle: {DeliveredEventIds.Count} of {expected} written, {waiting} waiting in the queue, {Notifications.Count} received\n{Stderr}");
        return [];
    }

    /// <summary>Waits until <paramref name="condition"/> holds or the time is up; returns whether it held.</summary>
    public static async Task<bool> EventuallyAsync(Func<bool> condition, TimeSpan within)
    {
        var deadline = DateTime.UtcNow + within;
        while (DateTime.UtcNow < deadline)
        {
            if (condition())
            {
                return true;
            }

            await Task.Delay(50);
        }

        return condition();
    }

    public async ValueTask DisposeAsync()
    {
        if (Client is not null)
        {
            await Client.DisposeAsync();
        }
    }
}
