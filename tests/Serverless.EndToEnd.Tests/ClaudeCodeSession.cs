using System.Diagnostics;
using System.Reflection;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Serverless.EndToEnd.Tests;

/// <summary>
/// A real Claude Code (the npm package the test build installs) in a terminal of its own, with a home
/// directory of its own and the Messages API faked on loopback, driven by keystrokes as a person would.
/// </summary>
public sealed partial class ClaudeCodeSession : IAsyncDisposable
{
    private const string ApiKey = "sk-ant-api03-local-test-key-0000000000000000000000000000000000000000000000";
    private readonly Process _process;
    private readonly StringBuilder _screen = new();
    private readonly Lock _gate = new();

    private ClaudeCodeSession(Process process, string home)
    {
        _process = process;
        Home = home;
        _ = PumpAsync(process.StandardOutput.BaseStream);
        _ = PumpAsync(process.StandardError.BaseStream);
    }

    public string Home { get; }

    public static string Executable =>
        Path.Combine(
            typeof(ClaudeCodeSession).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "ClaudeCodeDirectory").Value!,
            "node_modules", ".bin", "claude");

    /// <summary>What the terminal showed so far, without escape sequences.</summary>
    public string Screen
    {
        get
        {
            lock (_gate)
            {
                return Whitespace().Replace(AnsiSequence().Replace(_screen.ToString(), " "), " ");
            }
        }
    }

    /// <summary>Claude Code's own debug log (<c>--debug</c>), where it says what it did with each MCP server.</summary>
    public string DebugLog
    {
        get
        {
            var folder = Path.Combine(Home, ".claude", "debug");
            return Directory.Exists(folder)
                ? string.Join('\n', Directory.GetFiles(folder, "*.txt").Select(f => ReadShared(f)))
                : string.Empty;
        }
    }

    /// <summary>
    /// Starts <c>claude ARGS</c> in <paramref name="project"/>. The home directory says what a user who
    /// finished onboarding would have said already (theme, the API key, trust in this folder); the MCP
    /// server and development-channel dialogs are left for the test to answer.
    /// </summary>
    public static ClaudeCodeSession Start(string project, Uri messagesApi, params string[] arguments)
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
            ["cachedGrowthBookFeatures"] = new JsonObject { ["tengu_harbor"] = true },
        };
        File.WriteAllText(Path.Combine(home, ".claude.json"), config.ToJsonString());

        var command = new StringBuilder("stty cols 200 rows 50; exec ").Append(Quote(Executable));
        foreach (var argument in arguments)
        {
            command.Append(' ').Append(Quote(argument));
        }

        // script(1) gives Claude Code a terminal; keystrokes written to its stdin reach that terminal.
        var start = new ProcessStartInfo("script", ["-qfec", command.ToString(), "/dev/null"])
        {
            WorkingDirectory = project,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("CLAUDE", StringComparison.Ordinal) || k.StartsWith("ANTHROPIC", StringComparison.Ordinal) || k.StartsWith("MCP_", StringComparison.Ordinal)).ToList())
        {
            start.Environment.Remove(name);
        }

        start.Environment["HOME"] = home;
        start.Environment["TERM"] = "xterm-256color";
        start.Environment["ANTHROPIC_BASE_URL"] = messagesApi.GetLeftPart(UriPartial.Authority);
        start.Environment["ANTHROPIC_API_KEY"] = ApiKey;
        // Nothing but loopback: no telemetry, update checks, error reports or marketplace downloads.
        start.Environment["CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC"] = "1";
        start.Environment["CLAUDE_CODE_DISABLE_OFFICIAL_MARKETPLACE_AUTOINSTALL"] = "1";
        start.Environment["DISABLE_AUTOUPDATER"] = "1";
        start.Environment["DISABLE_TELEMETRY"] = "1";
        start.Environment["CLAUDE_CODE_GB_DISK_CACHE_WHEN_TELEMETRY_OFF"] = "1";
        return new ClaudeCodeSession(Process.Start(start)!, home);
    }

    public async Task<bool> WaitForScreenAsync(string text, TimeSpan within) =>
        await RelayProcess.EventuallyAsync(() => Screen.Contains(text, StringComparison.Ordinal), within);

    /// <summary>
    /// Presses <paramref name="key"/> until the terminal redraws with <paramref name="selected"/>, as a
    /// person watching the menu would: a key pressed while the dialog is still being set up is lost.
    /// </summary>
    public async Task<bool> SelectAsync(string key, string selected, int attempts = 6)
    {
        for (var i = 0; i < attempts; i++)
        {
            var mark = Screen.Length;
            await PressAsync(key);
            if (await RelayProcess.EventuallyAsync(() => Screen.Length > mark && Screen[mark..].Contains(selected, StringComparison.Ordinal), TimeSpan.FromSeconds(2)))
            {
                return true;
            }
        }

        return false;
    }

    public async Task<bool> WaitForDebugLogAsync(string text, TimeSpan within) =>
        await RelayProcess.EventuallyAsync(() => DebugLog.Contains(text, StringComparison.Ordinal), within);

    public async Task PressAsync(string keys)
    {
        await _process.StandardInput.WriteAsync(keys);
        await _process.StandardInput.FlushAsync();
        await Task.Delay(300);
    }

    public const string Up = "\u001b[A";
    public const string Enter = "\r";

    public string Describe() => $"--- screen ---\n{Screen[^Math.Min(Screen.Length, 4000)..]}\n--- debug log ---\n{DebugLog[^Math.Min(DebugLog.Length, 6000)..]}";

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        try
        {
            Directory.Delete(Home, recursive: true);
        }
        catch (IOException)
        {
            // A file still open by a process that is going away; the temp folder is cleaned up later.
        }
    }

    private async Task PumpAsync(Stream stream)
    {
        var buffer = new byte[8192];
        int read;
        while ((read = await stream.ReadAsync(buffer)) > 0)
        {
            lock (_gate)
            {
                _screen.Append(Encoding.UTF8.GetString(buffer, 0, read));
            }
        }
    }

    private static string ReadShared(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    private static string Quote(string argument) => "'" + argument.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    [GeneratedRegex(@"\x1b(\[[0-9;?<>=]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|[@-Z\\-_])")]
    private static partial Regex AnsiSequence();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
