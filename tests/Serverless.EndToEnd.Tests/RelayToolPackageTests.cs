using System.Diagnostics;
using System.Text.Json.Nodes;
using Serverless.Testing;

namespace Serverless.EndToEnd.Tests;

/// <summary>The relay packed by the documented command and installed with <c>dotnet tool install</c> into a tool path of its own.</summary>
public sealed class InstalledRelayTool : IAsyncLifetime
{
    public const string Version = "0.5.0";

    public string Work { get; } = Directory.CreateTempSubdirectory("relay-tool").FullName;

    public string Packages => Path.Combine(Work, "packages");

    public string ToolPath => Path.Combine(Work, "tools");

    /// <summary>The shim <c>dotnet tool install</c> created, the command users run.</summary>
    public string Command => Path.Combine(ToolPath, OperatingSystem.IsWindows() ? "relay.exe" : "relay");

    public string InstallOutput { get; private set; } = string.Empty;

    public async Task InitializeAsync()
    {
        // A separate artifacts path keeps this pack (and its restores) away from the tree the tests run from.
        await RunAsync("dotnet", "pack", Path.Combine(Repository.Root, "relay"), "-o", Packages, "--artifacts-path", Path.Combine(Work, "artifacts"));
        InstallOutput = await RunAsync("dotnet", "tool", "install", "Serverless.Relay", "--version", Version, "--tool-path", ToolPath, "--add-source", Packages, "--ignore-failed-sources");
    }

    public Task DisposeAsync()
    {
        Directory.Delete(Work, recursive: true);
        return Task.CompletedTask;
    }

    public static async Task<string> RunAsync(string file, params string[] arguments)
    {
        var start = new ProcessStartInfo(file, arguments) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(8));
        Assert.True(process.ExitCode == 0, $"{file} {string.Join(' ', arguments)}\n{await output}\n{await error}");
        return await output;
    }
}

/// <summary>What starting the relay from Claude Code relies on: an installed command that answers at once, and <c>relay init</c>.</summary>
[Collection(RunsAlone.Name)]
public sealed class RelayToolPackageTests(InstalledRelayTool tool) : IClassFixture<InstalledRelayTool>
{
    [Fact]
    public void The_pack_holds_the_pointer_the_framework_dependent_and_this_platforms_native_packages()
    {
        var packages = Directory.GetFiles(tool.Packages, "*.nupkg").Select(Path.GetFileName).Order().ToList();

        Assert.Contains($"Serverless.Relay.{InstalledRelayTool.Version}.nupkg", packages);
        Assert.Contains($"Serverless.Relay.any.{InstalledRelayTool.Version}.nupkg", packages);
        Assert.Contains($"Serverless.Relay.{System.Runtime.InteropServices.RuntimeInformation.RuntimeIdentifier}.{InstalledRelayTool.Version}.nupkg", packages);
    }

    [Fact]
    public void The_installed_command_is_the_native_build_not_a_managed_dll()
    {
        var target = new FileInfo(tool.Command).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? tool.Command;

        Assert.True(File.Exists(target), tool.InstallOutput);
        Assert.False(File.Exists(Path.Combine(Path.GetDirectoryName(target)!, "relay.dll")), $"a managed relay.dll sits beside {target}");
        var header = new byte[4];
        using (var stream = File.OpenRead(target))
        {
            stream.ReadExactly(header);
        }

        Assert.Equal("\u007fELF"u8.ToArray(), header);
    }

    [Fact]
    public async Task The_installed_command_answers_Claude_Codes_handshake_over_stdio()
    {
        await using var app = await RunningFunctionsApp.StartAsync();
        var start = new ProcessStartInfo(tool.Command, ["--url", app.BaseUrl.ToString(), "--channel", "tool", "--state-file", RelayProcess.NewStateFile()]);
        start.Environment["RELAY_TOKEN"] = "dev-relay-token";
        await using var relay = RawStdioClient.Start(start);

        await relay.SendAsync(ClaudeCodeHandshakeTests.DiscoverProbe);
        await relay.SendAsync(ClaudeCodeHandshakeTests.Initialize);
        var initialize = await relay.ResponseAsync("0", TimeSpan.FromSeconds(30));
        Assert.Equal("2025-11-25", (string?)initialize["result"]!["protocolVersion"]);
        Assert.NotNull(initialize["result"]!["capabilities"]!["experimental"]!["claude/channel"]);
        await relay.SendAsync(ClaudeCodeHandshakeTests.Initialized);

        using var http = app.CreateClient();
        var id = await Webhook.PostAcceptedAsync(http, "tool", new { title = "from the installed tool" });
        Assert.True(await RelayProcess.EventuallyAsync(() => relay.Notifications(RelayProcess.ChannelMethod).Count >= 1, TimeSpan.FromSeconds(30)), relay.Stderr);
        Assert.Equal(id, (string?)relay.Notifications(RelayProcess.ChannelMethod)[0]["params"]!["meta"]!["event_id"]);

        await relay.SendAsync("""{"method":"tools/call","params":{"name":"get_status","arguments":{}},"jsonrpc":"2.0","id":2}""");
        var status = await relay.ResponseAsync("2", TimeSpan.FromSeconds(10));
        Assert.Contains("channel delivery: active", status.ToJsonString(), StringComparison.Ordinal);
        Assert.Empty(relay.Unparsed);
        Assert.DoesNotContain("Reflection-based serialization", relay.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Relay_init_creates_mcp_json_naming_the_installed_command_and_a_private_token_file()
    {
        var project = Directory.CreateTempSubdirectory("project").FullName;
        var config = Directory.CreateTempSubdirectory("config").FullName;

        var output = await InitAsync(project, config);

        var entry = ReadEntry(project, "relay");
        Assert.Equal(tool.Command, (string?)entry["command"]);
        var args = entry["args"]!.AsArray().Select(a => (string)a!).ToList();
        Assert.Equal(["--url", "http://127.0.0.1:7071/", "--channel", "team-a"], args[..4]);
        Assert.Equal("--token-file", args[4]);
        var tokenFile = args[5];
        Assert.StartsWith(config, tokenFile, StringComparison.Ordinal);
        Assert.Equal("secret-relay-token-for-init", File.ReadAllText(tokenFile).Trim());
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(tokenFile));
        }

        Assert.DoesNotContain("secret-relay-token-for-init", File.ReadAllText(Path.Combine(project, ".mcp.json")), StringComparison.Ordinal);
        Assert.DoesNotContain("secret-relay-token-for-init", output, StringComparison.Ordinal);
        Assert.Contains("claude --dangerously-load-development-channels server:relay", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Relay_init_keeps_the_other_servers_and_settings_of_an_existing_mcp_json()
    {
        var project = Directory.CreateTempSubdirectory("project").FullName;
        var config = Directory.CreateTempSubdirectory("config").FullName;
        await File.WriteAllTextAsync(Path.Combine(project, ".mcp.json"), """
            {
              "mcpServers": {
                "github": { "command": "gh-mcp", "args": ["--stdio"] },
                "relay": { "command": "dotnet", "args": ["run", "--project", "old"] }
              },
              "other": true
            }
            """);

        await InitAsync(project, config);

        var root = JsonNode.Parse(File.ReadAllText(Path.Combine(project, ".mcp.json")))!.AsObject();
        Assert.Equal("gh-mcp", (string?)root["mcpServers"]!["github"]!["command"]);
        Assert.True((bool?)root["other"]);
        Assert.Equal(tool.Command, (string?)ReadEntry(project, "relay")["command"]);
        Assert.DoesNotContain("run", ReadEntry(project, "relay")["args"]!.AsArray().Select(a => (string?)a));
    }

    /// <summary>
    /// The README's first hour, command for command: the app started as its own process (the build
    /// <c>dotnet run --project functions</c> would run, on a free port instead of 7071), the relay installed by the
    /// documented pack and <c>dotnet tool install</c> (this fixture), the README's first curl and its <c>relay init</c>
    /// line run by a shell in a fresh project folder, then a bare <c>relay events</c> there, with no relay setting in
    /// the environment, listing the event. The app is a fresh <c>git clone</c> started by the README's first command;
    /// the relay is not packed again in the clone (a second Native AOT build of the same sources, 6 to 7 minutes on
    /// two cores), the tool this fixture packed and installed stands in for it.
    /// </summary>
    [Fact]
    public async Task The_readmes_first_hour_reaches_a_first_event_that_a_bare_relay_events_in_the_project_folder_lists()
    {
        // A fresh clone of this repository's committed tree, started with the README's own first command (which builds
        // it, as a new user's first run does). The relay is the tool this fixture packed and installed the documented
        // way: packing it again in the clone would add a second Native AOT build of the same sources.
        var clone = Directory.CreateTempSubdirectory("first-hour-clone").FullName;
        try
        {
            await FirstHourAsync(clone);
        }
        finally
        {
            Directory.Delete(clone, recursive: true);
        }
    }

    private async Task FirstHourAsync(string clone)
    {
        await ShellAsync($"git clone --quiet '{Repository.Root}' '{clone}'", clone, clone);
        var readme = await File.ReadAllTextAsync(Path.Combine(clone, "README.md"));
        var port = FreePort();
        var url = $"http://localhost:{port}";
        var run = ReadmeCommand(readme, "dotnet run --project functions");
        var curl = ReadmeCommand(readme, "curl ", "/api/hooks/generic/").Replace("http://localhost:7071", url, StringComparison.Ordinal);
        var init = ReadmeCommand(readme, "relay init").Replace("http://localhost:7071", url, StringComparison.Ordinal);
        await using var app = await FunctionsProcess.StartFromSourceAsync(run[..(run.IndexOf('#', StringComparison.Ordinal) is var hash and > 0 ? hash : run.Length)].Trim(), clone, new Uri(url));
        var project = Directory.CreateTempSubdirectory("first-hour").FullName;
        var home = Directory.CreateTempSubdirectory("first-hour-home").FullName;

        var accepted = await ShellAsync(curl, project, home);
        Assert.Contains("202", accepted.Split('\n')[0], StringComparison.Ordinal);
        var id = (string)JsonNode.Parse(accepted[accepted.IndexOf('{', StringComparison.Ordinal)..])!["id"]!;
        await ShellAsync(init, project, home);
        var events = await ShellAsync("relay events", project, home);

        Assert.Contains(id, events, StringComparison.Ordinal);
        Assert.Contains("Deploy failed", events, StringComparison.Ordinal);
    }

    /// <summary>The first line of a fenced sh block of the README that holds every marker, with its continuation lines joined.</summary>
    private static string ReadmeCommand(string readme, params string[] markers)
    {
        foreach (System.Text.RegularExpressions.Match block in System.Text.RegularExpressions.Regex.Matches(readme, "```sh\n(.*?)```", System.Text.RegularExpressions.RegexOptions.Singleline))
        {
            var command = block.Groups[1].Value.Replace("\\\n", " ", StringComparison.Ordinal);
            foreach (var line in command.Split('\n'))
            {
                if (markers.All(m => line.Contains(m, StringComparison.Ordinal)))
                {
                    return line.Trim();
                }
            }
        }

        Assert.Fail($"the README has no sh command with {string.Join(" and ", markers)}");
        return string.Empty;
    }

    /// <summary>One command as a user's shell runs it in <paramref name="folder"/>: the installed tool on PATH, HOME of the test's own, no relay setting in the environment.</summary>
    private async Task<string> ShellAsync(string command, string folder, string home)
    {
        var start = new ProcessStartInfo("sh", ["-c", command]) { WorkingDirectory = folder, RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment["PATH"] = tool.ToolPath + Path.PathSeparator + Environment.GetEnvironmentVariable("PATH");
        start.Environment["HOME"] = home;
        foreach (var variable in new[] { "RELAY_URL", "RELAY_CHANNEL", "RELAY_TOKEN", "RELAY_TOKEN_FILE", "RELAY_STATE_FILE", "XDG_CONFIG_HOME", "XDG_STATE_HOME" })
        {
            start.Environment.Remove(variable);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        Assert.True(process.ExitCode == 0, $"{command}\n{await output}\n{await error}");
        return await output;
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    private async Task<string> InitAsync(string project, string config)
    {
        var start = new ProcessStartInfo(tool.Command, ["init", "--project", project, "--url", "http://127.0.0.1:7071", "--channel", "team-a"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["RELAY_TOKEN"] = "secret-relay-token-for-init";
        start.Environment["XDG_CONFIG_HOME"] = config;
        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, output + error);
        return output;
    }

    private static JsonObject ReadEntry(string project, string name) =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(project, ".mcp.json")))!["mcpServers"]![name]!.AsObject();
}
