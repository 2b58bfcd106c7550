using Serverless.Relay.CommandLine;

namespace Serverless.Tests.Relay.CommandLine;

/// <summary>Which entry of a project's .mcp.json the subcommands read, as relay init writes it.</summary>
public sealed class ProjectRelayEntryTests : IDisposable
{
    private static readonly RelayCommand Relay = new("/opt/tools/relay", []);
    private readonly string _dir = Directory.CreateTempSubdirectory("relay-project").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private void Write(string json) => File.WriteAllText(Path.Combine(_dir, ".mcp.json"), json);

    private static string Server(string command, string url, string channel) =>
        $$"""{ "type": "stdio", "command": "{{command}}", "args": ["--url", "{{url}}", "--channel", "{{channel}}", "--token-file", "/t/{{channel}}.token"] }""";

    [Fact]
    public void No_mcp_json_is_no_entry_and_no_error()
    {
        Assert.Equal((null, null), ProjectRelayEntry.Find(_dir, Relay));
    }

    [Fact]
    public void The_entry_relay_init_wrote_gives_its_url_channel_and_token_file()
    {
        Write($$"""{ "mcpServers": { "github": { "command": "gh-mcp", "args": ["--stdio"] }, "relay": {{Server("/opt/tools/relay", "http://localhost:7071/", "team-a")}} } }""");

        var (entry, error) = ProjectRelayEntry.Find(_dir, Relay);

        Assert.Null(error);
        Assert.Equal(new ProjectRelayEntry(Path.Combine(_dir, ".mcp.json"), "relay", new Uri("http://localhost:7071/"), "team-a", "/t/team-a.token"), entry);
    }

    [Fact]
    public void An_entry_under_another_name_is_found_when_it_runs_this_relay()
    {
        Write($$"""{ "mcpServers": { "ops-relay": {{Server("/opt/tools/relay", "https://app.example.invalid/", "ops")}}, "other": {{Server("/usr/bin/other", "https://x.invalid/", "x")}} } }""");

        var (entry, _) = ProjectRelayEntry.Find(_dir, Relay);

        Assert.Equal(("ops-relay", "ops"), (entry!.ServerName, entry.Channel));
    }

    [Fact]
    public void Several_relay_entries_and_none_named_relay_is_an_error_that_says_how_to_choose()
    {
        Write($$"""{ "mcpServers": { "a": {{Server("/opt/tools/relay", "https://a.invalid/", "a")}}, "b": {{Server("/opt/tools/relay", "https://b.invalid/", "b")}} } }""");

        var (entry, error) = ProjectRelayEntry.Find(_dir, Relay);

        Assert.Null(entry);
        Assert.Equal($"{Path.Combine(_dir, ".mcp.json")} has 2 relay servers (a, b); pass --url and --channel (and --token-file) to choose one.", error);
    }

    [Fact]
    public void An_unreadable_mcp_json_is_an_error_that_names_the_options()
    {
        Write("{ not json");

        var (_, error) = ProjectRelayEntry.Find(_dir, Relay);

        Assert.StartsWith($"cannot read {Path.Combine(_dir, ".mcp.json")} (", error, StringComparison.Ordinal);
        Assert.EndsWith("); pass --url, --channel and --token-file instead.", error, StringComparison.Ordinal);
    }
}
