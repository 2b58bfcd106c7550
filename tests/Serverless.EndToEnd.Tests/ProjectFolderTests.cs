using System.Diagnostics;
using Serverless.Testing;

namespace Serverless.EndToEnd.Tests;

/// <summary>
/// The subcommands run in the folder where <c>relay init</c> wrote <c>.mcp.json</c>, as a user runs them there: no
/// token in the environment, no options, and they still reach the channel <c>relay init</c> wired.
/// </summary>
public sealed class ProjectFolderTests(LocalDefaultApp local) : IClassFixture<LocalDefaultApp>
{
    private const string Channel = "project-folder";

    [Fact]
    public async Task Every_subcommand_in_the_project_folder_uses_the_url_channel_and_token_file_relay_init_wrote()
    {
        var (project, config) = await InitAsync();
        var id = await Webhook.PostAcceptedAsync(local.Http, Channel, new { title = "seen from the project folder" });
        var from = $"relay events: channel '{Channel}' of {local.BaseUrl} (url, channel and token file from {Path.Combine(project, ".mcp.json")} (server 'relay'))";

        var events = await RunAsync(project, config, "events");
        Assert.True(events.ExitCode == 0, events.Stderr);
        Assert.Contains(id, events.Stdout, StringComparison.Ordinal);
        Assert.Contains("seen from the project folder", events.Stdout, StringComparison.Ordinal);
        Assert.Equal(from, events.Stderr.Trim());

        var replay = await RunAsync(project, config, "replay", id);
        Assert.True(replay.ExitCode == 0, replay.Stderr);
        Assert.Contains($"Replayed event {id} into channel '{Channel}' as new event:", replay.Stderr, StringComparison.Ordinal);

        var redrive = await RunAsync(project, config, "redrive");
        Assert.True(redrive.ExitCode == 0, redrive.Stderr);
        Assert.Equal($"The dead-letter queue of channel '{Channel}' is empty.", redrive.Stdout.Trim());

        // The app has no chat service here: it refuses the code, which it only does to a caller with the right token.
        var pair = await RunAsync(project, config, "pair", "123456");
        Assert.Equal(1, pair.ExitCode);
        Assert.Contains($"relay pair: the function app at {local.BaseUrl} answered 404 to pair", pair.Stderr, StringComparison.Ordinal);

        Directory.CreateDirectory(Path.Combine(project, ".claude"));
        await File.WriteAllTextAsync(Path.Combine(project, ".claude", "channel-playbook.md"), "## from-alice\nwhen: kind=telegram user=123\ndo: Answer Alice.\n");
        var check = await RunAsync(project, config, "playbook", "check");
        Assert.True(check.ExitCode == 0, check.Stderr);
        Assert.Contains(id, check.Stdout, StringComparison.Ordinal);

        var tail = await TailStartsAsync(project, config);
        Assert.Contains("relay tail: following new events", tail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_option_or_the_environment_wins_over_the_project_folder_and_the_token_file_never_goes_to_another_app()
    {
        var (project, config) = await InitAsync();
        await Webhook.PostAcceptedAsync(local.Http, "project-other", new { title = "on another channel" });

        var otherChannel = await RunAsync(project, config, "events", "--channel", "project-other");
        Assert.True(otherChannel.ExitCode == 0, otherChannel.Stderr);
        Assert.Contains("on another channel", otherChannel.Stdout, StringComparison.Ordinal);
        Assert.Contains($"channel 'project-other' of {local.BaseUrl} (url and token file from", otherChannel.Stderr, StringComparison.Ordinal);

        var otherApp = await RunAsync(project, config, "events", "--url", "http://127.0.0.1:9");
        Assert.Equal(2, otherApp.ExitCode);
        Assert.StartsWith($"relay events: no relay token for http://127.0.0.1:9/: {Path.Combine(project, ".mcp.json")} (server 'relay') names no token file for it", otherApp.Stderr, StringComparison.Ordinal);
    }

    private async Task<(string Project, string Config)> InitAsync()
    {
        var project = Directory.CreateTempSubdirectory("project").FullName;
        var config = Directory.CreateTempSubdirectory("config").FullName;
        var init = await RunAsync(project, config, "dev-relay-token", ["init", "--url", local.BaseUrl.ToString(), "--channel", Channel]);
        Assert.True(init.ExitCode == 0, init.Stderr);
        return (project, config);
    }

    private static Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(string folder, string config, params string[] arguments) =>
        RunAsync(folder, config, null, arguments);

    /// <summary>One subcommand in <paramref name="folder"/>, stdin closed, with no relay setting in the environment but what is given.</summary>
    private static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(string folder, string config, string? token, string[] arguments)
    {
        var start = Start(folder, config, token, arguments);
        using var process = Process.Start(start)!;
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout, await stderr);
    }

    private static ProcessStartInfo Start(string folder, string config, string? token, string[] arguments)
    {
        var start = RelayProcess.StartInfo(token, arguments);
        start.WorkingDirectory = folder;
        start.Environment["XDG_CONFIG_HOME"] = config;
        foreach (var variable in new[] { "RELAY_URL", "RELAY_CHANNEL", "RELAY_TOKEN_FILE" })
        {
            start.Environment.Remove(variable);
        }

        return start;
    }

    /// <summary><c>relay tail</c> runs until stopped: started, its first line read, then ended.</summary>
    private static async Task<string> TailStartsAsync(string folder, string config)
    {
        using var process = Process.Start(Start(folder, config, null, ["tail"]))!;
        process.StandardInput.Close();
        var lines = new List<string>();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            while (await process.StandardError.ReadLineAsync(timeout.Token) is { } line)
            {
                lines.Add(line);
                if (line.StartsWith("relay tail: following", StringComparison.Ordinal))
                {
                    break;
                }
            }
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        return string.Join('\n', lines);
    }
}
