using System.Diagnostics;
using System.Reflection;
using System.Text.Json.Nodes;

namespace Serverless.EndToEnd.Tests;

/// <summary>
/// A real Claude Code (the npm package the test build installs) in a terminal of its own (a tmux
/// server on a private socket), with a home directory of its own and the Messages API faked on
/// loopback, read from the rendered screen and driven by keystrokes as a person would.
/// </summary>
public sealed class ClaudeCodeSession : IAsyncDisposable
{
    public const string Up = "Up";
    public const string Enter = "Enter";
    private const string ApiKey = "sk-ant-api03-local-test-key-0000000000000000000000000000000000000000000000";
    private const string Session = "claude";
    private readonly string _socket;

    private ClaudeCodeSession(string socket, string home)
    {
        _socket = socket;
        Home = home;
    }

    public string Home { get; }

    public static string Executable =>
        Path.Combine(
            typeof(ClaudeCodeSession).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "ClaudeCodeDirectory").Value!,
            "node_modules", ".bin", "claude");

    /// <summary>Claude Code's own debug log (<c>--debug</c>), where it says what it did with each MCP server.</summary>
    public string DebugLog
    {
        get
        {
            var folder = Path.Combine(Home, ".claude", "debug");
            return Directory.Exists(folder)
                ? string.Join('\n', Directory.GetFiles(folder, "*.txt").Select(ReadShared))
                : string.Empty;
        }
    }

    /// <summary>
    /// Starts <c>claude ARGS</c> in <paramref name="project"/>. The home directory says what a user who
    /// finished onboarding would have said already (theme, the API key, trust in this folder); the MCP
    /// server and development-channel dialogs are left for the test to answer.
    /// </summary>
    /// <param name="channelsFlag">Seed Claude Code's cached channels flag (see below); false shows what an account without it gets.</param>
    public static async Task<ClaudeCodeSession> StartAsync(string project, Uri messagesApi, bool channelsFlag, params string[] arguments)
    {
        var home = Directory.CreateTempSubdirectory("claude-home-").FullName;
        var config = new JsonObject
        {
            ["hasCompletedOnboarding"] = true,
            ["theme"] = "dark",
            ["customApiKeyResponses"] = new JsonObject { ["approved"] = new JsonArray(ApiKey[^20..]), ["rejected"] = new JsonArray() },
            ["projects"] = new JsonObject { [project] = new JsonObject { ["hasTrustDialogAccepted"] = true } },
            // Claude Code turns channels on by a feature flag it fetches from Anthropic. There is no network
            // here, so the flag is seeded in the cache Claude Code reads at start-up (with the variable
            // CLAUDE_CODE_GB_DISK_CACHE_WHEN_TELEMETRY_OFF below); without it Claude Code logs "channels
            // feature is not currently available" and shows no event, whatever the server does.
        };
        if (channelsFlag)
        {
            config["cachedGrowthBookFeatures"] = new JsonObject { ["tengu_harbor"] = true };
        }

        await File.WriteAllTextAsync(Path.Combine(home, ".claude.json"), config.ToJsonString());

        var environment = OfflineEnvironment(home);
        environment["TERM"] = "xterm-256color";
        environment["ANTHROPIC_BASE_URL"] = messagesApi.GetLeftPart(UriPartial.Authority);
        environment["ANTHROPIC_API_KEY"] = ApiKey;
        if (channelsFlag)
        {
            environment["CLAUDE_CODE_GB_DISK_CACHE_WHEN_TELEMETRY_OFF"] = "1";
        }
        var session = new ClaudeCodeSession($"claude-test-{Guid.NewGuid():N}", home);
        List<string> tmux = ["new-session", "-d", "-s", Session, "-x", "200", "-y", "50", "-c", project];
        foreach (var (name, value) in environment)
        {
            tmux.AddRange(["-e", $"{name}={value}"]);
        }

        tmux.AddRange([Executable, .. arguments]);
        await session.TmuxAsync([.. tmux]);
        return session;
    }

    /// <summary>
    /// Claude Code with a home of its own and nothing but loopback: no telemetry, update checks, error
    /// reports or marketplace downloads.
    /// </summary>
    public static Dictionary<string, string> OfflineEnvironment(string home) => new()
    {
        ["HOME"] = home,
        ["CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC"] = "1",
        ["CLAUDE_CODE_DISABLE_OFFICIAL_MARKETPLACE_AUTOINSTALL"] = "1",
        ["DISABLE_AUTOUPDATER"] = "1",
        ["DISABLE_TELEMETRY"] = "1",
    };

    /// <summary>The terminal as it shows now.</summary>
    public Task<string> ScreenAsync() => TmuxAsync("capture-pane", "-p", "-t", Session);

    public async Task<bool> WaitForScreenAsync(string text, TimeSpan within)
    {
        var deadline = DateTime.UtcNow + within;
        do
        {
            if ((await ScreenAsync()).Contains(text, StringComparison.Ordinal))
            {
                return true;
            }

            await Task.Delay(200);
        }
        while (DateTime.UtcNow < deadline);
        return false;
    }

    public async Task<bool> WaitForDebugLogAsync(string text, TimeSpan within) =>
        await RelayProcess.EventuallyAsync(() => DebugLog.Contains(text, StringComparison.Ordinal), within);

    /// <summary>Moves a menu's cursor with <paramref name="key"/> until its line reads <paramref name="choice"/>, as a person watching it would.</summary>
    public async Task<bool> SelectAsync(string key, string choice, int attempts = 8)
    {
        for (var i = 0; i < attempts; i++)
        {
            var selected = (await ScreenAsync()).Split('\n').FirstOrDefault(l => l.TrimStart().StartsWith("❯ ", StringComparison.Ordinal));
            if (selected is not null && selected.Contains(choice, StringComparison.Ordinal))
            {
                return true;
            }

            await PressAsync(key);
        }

        return false;
    }

    /// <summary>
    /// Answers a dialog: waits for <paramref name="dialog"/> on the screen, moves to <paramref name="choice"/>,
    /// presses Enter, and returns once the dialog is gone (pressing again if a key was lost while it was
    /// still being set up).
    /// </summary>
    public async Task<bool> ChooseAsync(string dialog, string choice, TimeSpan within)
    {
        if (!await WaitForScreenAsync(dialog, within))
        {
            return false;
        }

        for (var attempt = 0; attempt < 3; attempt++)
        {
            if (!await SelectAsync(Up, choice))
            {
                return false;
            }

            await PressAsync(Enter);
            var deadline = DateTime.UtcNow.AddSeconds(5);
            while (DateTime.UtcNow < deadline)
            {
                if (!(await ScreenAsync()).Contains(dialog, StringComparison.Ordinal))
                {
                    return true;
                }

                await Task.Delay(200);
            }
        }

        return false;
    }

    public async Task PressAsync(string key)
    {
        await TmuxAsync("send-keys", "-t", Session, key);
        await Task.Delay(400);
    }

    public async Task<string> DescribeAsync()
    {
        var log = DebugLog;
        return $"--- screen ---\n{await ScreenAsync()}\n--- debug log ---\n{log[^Math.Min(log.Length, 6000)..]}";
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await TmuxAsync("kill-server");
        }
        catch (InvalidOperationException)
        {
            // The server is gone already.
        }

        try
        {
            Directory.Delete(Home, recursive: true);
        }
        catch (IOException)
        {
            // A file still open by a process that is going away; the temp folder is cleaned up later.
        }
    }

    private async Task<string> TmuxAsync(params string[] arguments)
    {
        var start = new ProcessStartInfo("tmux", ["-L", _socket, .. arguments])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        // The tmux server, and so Claude Code, starts with this environment: none of the caller's Claude settings.
        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("CLAUDE", StringComparison.Ordinal) || k.StartsWith("ANTHROPIC", StringComparison.Ordinal) || k.StartsWith("MCP_", StringComparison.Ordinal) || k == "TMUX").ToList())
        {
            start.Environment.Remove(name);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return process.ExitCode == 0
            ? await output
            : throw new InvalidOperationException($"tmux {string.Join(' ', arguments)}: {await error}");
    }

    private static string ReadShared(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
