using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Functions.Inbox;
using Serverless.Testing;

namespace Serverless.EndToEnd.Tests;

/// <summary>
/// The owner's playbook through a real relay process and the real MCP client: its rules are in the
/// instructions, an event that matches a rule carries its name, one that matches none carries nothing, and a
/// file the relay cannot read stops it at start with the line to fix.
/// </summary>
public sealed class PlaybookTests(LocalDefaultApp local) : IClassFixture<LocalDefaultApp>, IDisposable
{
    private readonly DirectoryInfo _project = Directory.CreateTempSubdirectory("playbook-");

    public void Dispose() => _project.Delete(recursive: true);

    private string Write(string text)
    {
        var path = Path.Combine(_project.FullName, "playbook.md");
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public async Task A_matching_event_names_its_rule_and_the_rules_are_in_the_instructions()
    {
        var playbook = Write("""
            Never push to main.

            ## prod-errors
            when: kind=generic severity=error|critical trust=third_party
            do: Find the failing deploy and reply with a one-line diagnosis.
            """);
        await using var relay = await RelayProcess.StartAsync(local.App.BaseUrl, "playbook", "dev-relay-token", null, "--playbook", playbook);
        await WebhookToChannelTests.WaitUntilConnectedAsync(relay);

        Assert.Contains("Rule prod-errors (for events with kind=generic severity=error|critical trust=third_party): Find the failing deploy", relay.Client.ServerInstructions, StringComparison.Ordinal);
        Assert.Contains("Never push to main.", relay.Client.ServerInstructions, StringComparison.Ordinal);

        var matching = await Webhook.PostAcceptedAsync(local.Http, "playbook", new { title = "checkout is down", severity = "critical" });
        var other = await Webhook.PostAcceptedAsync(local.Http, "playbook", new { title = "nightly report", severity = "info" });
        await relay.SettledAsync(2, () => Task.FromResult(local.App.Services.GetRequiredService<EmbeddedEventInbox>().Count("playbook")), TimeSpan.FromSeconds(30));

        var byId = relay.Notifications.ToDictionary(n => (string)n["meta"]!["event_id"]!);
        Assert.Equal("prod-errors", (string?)byId[matching]["meta"]!["playbook"]);
        Assert.False(byId[other]["meta"]!.AsObject().ContainsKey("playbook"));
    }

    [Fact]
    public async Task Playbook_check_prints_the_rule_of_matching_recent_events_and_none_for_the_others()
    {
        var playbook = Write("""
            ## prod-errors
            when: kind=generic severity=error|critical trust=third_party
            do: Find the failing deploy.
            """);
        var matching = await Webhook.PostAcceptedAsync(local.Http, "playbook-check", new { title = "checkout is down", severity = "critical" });
        var other = await Webhook.PostAcceptedAsync(local.Http, "playbook-check", new { title = "nightly report", severity = "info" });

        // The history is written in the background: checked until both events are in it.
        var table = (ExitCode: -1, Stdout: string.Empty, Stderr: string.Empty);
        Assert.True(
            await RelayProcess.EventuallyAsync(
                () => (table = RelayProcess.RunCommandAsync(local.App.BaseUrl, "playbook-check", "playbook", "check", "--playbook", playbook).GetAwaiter().GetResult()).Stdout.Contains(other, StringComparison.Ordinal),
                TimeSpan.FromSeconds(30)),
            table.Stdout + table.Stderr);

        Assert.Equal(0, table.ExitCode);
        Assert.Contains("Rule prod-errors fires for:\n  - anyone holding the generic webhook token\n", table.Stdout.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        var lines = table.Stdout.Split('\n');
        Assert.Matches($@"^{matching}\s+prod-errors\s+.*severity=critical", lines.Single(l => l.StartsWith(matching, StringComparison.Ordinal)));
        Assert.Matches($@"^{other}\s+\(none\)\s+.*severity=info", lines.Single(l => l.StartsWith(other, StringComparison.Ordinal)));

        var json = await RelayProcess.RunCommandAsync(local.App.BaseUrl, "playbook-check", "playbook", "check", "--playbook", playbook, "--json");
        Assert.Equal(0, json.ExitCode);
        var byId = System.Text.Json.Nodes.JsonNode.Parse(json.Stdout)!["events"]!.AsArray().ToDictionary(e => (string)e!["id"]!);
        Assert.Equal("prod-errors", (string?)byId[matching]!["rule"]);
        Assert.Null(byId[other]!["rule"]);
        Assert.Equal("playbook-check", (string?)byId[other]!["meta"]!["channel"]);
        var rule = System.Text.Json.Nodes.JsonNode.Parse(json.Stdout)!["rules"]!.AsArray().Single()!;
        Assert.Equal(("prod-errors", "anyone holding the generic webhook token"), ((string?)rule["name"], (string?)rule["fired_by"]![0]));
    }

    [Fact]
    public async Task Playbook_check_of_a_playbook_it_cannot_read_exits_2_with_the_line_to_fix()
    {
        var playbook = Write("## prod-errors\nwhen: kind=generic colour=red\ndo: look\n");

        var check = await RelayProcess.RunCommandAsync(local.App.BaseUrl, "playbook-check", "playbook", "check", "--playbook", playbook);

        Assert.Equal(2, check.ExitCode);
        Assert.Contains("playbook.md, line 2: 'colour' is not something an event has", check.Stderr, StringComparison.Ordinal);
        Assert.Empty(check.Stdout);
    }

    [Fact]
    public async Task A_rule_a_shared_token_holder_could_fire_stops_the_relay_at_start_and_says_how_to_opt_in()
    {
        var playbook = Write("## ci\nwhen: event_type=workflow_run severity=error\ndo: push a fix\n");
        using var process = Process.Start(RelayProcess.StartInfo("dev-relay-token", "--url", local.App.BaseUrl.ToString(), "--playbook", playbook))!;

        var stderr = process.StandardError.ReadToEndAsync();
        _ = process.StandardOutput.ReadToEndAsync();
        Assert.True(process.WaitForExit(30_000));

        Assert.Equal(2, process.ExitCode);
        Assert.Contains("playbook.md, line 2: rule 'ci' could be made to fire by someone other than you", await stderr, StringComparison.Ordinal);
        Assert.Contains("add trust=third_party to this line", await stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_playbook_the_relay_cannot_read_stops_it_at_start_with_the_line_to_fix()
    {
        var playbook = Write("## prod-errors\nwhen: kind=generic colour=red\ndo: look\n");
        using var process = Process.Start(RelayProcess.StartInfo("dev-relay-token", "--url", local.App.BaseUrl.ToString(), "--playbook", playbook))!;

        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        Assert.True(process.WaitForExit(30_000));

        Assert.Equal(2, process.ExitCode);
        Assert.Contains("playbook.md, line 2: 'colour' is not something an event has", await stderr, StringComparison.Ordinal);
        Assert.Equal(string.Empty, await stdout);
    }
}
