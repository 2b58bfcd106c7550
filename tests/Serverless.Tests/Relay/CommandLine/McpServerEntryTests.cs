using System.Text.Json.Nodes;
using Serverless.Relay;
using Serverless.Relay.CommandLine;

namespace Serverless.Tests.Relay.CommandLine;

public sealed class McpServerEntryTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("relay-init").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static JsonObject Entry() =>
        McpServerEntry.Create(new RelayCommand("/opt/tools/relay", []), new Uri("https://app.example.invalid"), "ops", "/home/me/.config/serverless-relay/ops.token");

    [Fact]
    public void The_entry_starts_the_absolute_command_with_the_token_by_file_only()
    {
        var entry = Entry();

        Assert.Equal("/opt/tools/relay", (string?)entry["command"]);
        Assert.Equal(
            ["--url", "https://app.example.invalid/", "--channel", "ops", "--token-file", "/home/me/.config/serverless-relay/ops.token"],
            entry["args"]!.AsArray().Select(a => (string?)a));
        Assert.Null(entry["env"]);
    }

    [Fact]
    public void A_dotnet_command_keeps_its_dll_first()
    {
        var entry = McpServerEntry.Create(new RelayCommand("/usr/bin/dotnet", ["/src/relay/bin/relay.dll"]), new Uri("http://localhost:7071"), "ops", "/t");

        Assert.Equal("/src/relay/bin/relay.dll", (string?)entry["args"]![0]);
    }

    [Fact]
    public void Merging_into_nothing_creates_the_document()
    {
        var (json, error) = McpServerEntry.Merge(null, "relay", Entry());

        Assert.Null(error);
        Assert.Equal("/opt/tools/relay", (string?)JsonNode.Parse(json!)!["mcpServers"]!["relay"]!["command"]);
    }

    [Fact]
    public void Merging_keeps_other_servers_and_settings_and_replaces_the_old_entry()
    {
        var existing = """
            {
              // a comment Claude Code tolerates
              "mcpServers": { "github": { "command": "gh" }, "relay": { "command": "dotnet", "args": ["run"] } },
              "other": 1,
            }
            """;

        var (json, error) = McpServerEntry.Merge(existing, "relay", Entry());

        Assert.Null(error);
        var root = JsonNode.Parse(json!)!;
        Assert.Equal("gh", (string?)root["mcpServers"]!["github"]!["command"]);
        Assert.Equal(1, (int?)root["other"]);
        Assert.Equal("/opt/tools/relay", (string?)root["mcpServers"]!["relay"]!["command"]);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("[1,2]")]
    [InlineData("""{"mcpServers": []}""")]
    [InlineData("""{"mcpServers": {}, "mcpServers": {}}""")]
    public void A_file_that_is_not_an_mcp_json_object_is_an_error(string existing)
    {
        var (json, error) = McpServerEntry.Merge(existing, "relay", Entry());

        Assert.Null(json);
        Assert.Contains(".mcp.json", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Init_leaves_an_unreadable_mcp_json_and_the_token_store_untouched()
    {
        var project = Directory.CreateDirectory(Path.Combine(_dir, "project")).FullName;
        var config = Path.Combine(_dir, "config");
        await File.WriteAllTextAsync(Path.Combine(project, ".mcp.json"), "{ broken");
        var settings = new RelaySettings { Url = new Uri("http://localhost:7071"), Channel = "ops", Token = "t0ken-value", StateFile = Path.Combine(_dir, "state") };
        using var output = new StringWriter();

        var result = await InitCommand.RunAsync(
            settings, null, new DirectoryInfo(project), "relay", name => name == "XDG_CONFIG_HOME" ? config : null, output, default);

        Assert.NotNull(result.Error);
        Assert.Equal("{ broken", await File.ReadAllTextAsync(Path.Combine(project, ".mcp.json")));
        Assert.False(Directory.Exists(config));
    }

    [Fact]
    public async Task Init_with_a_token_file_names_that_file_and_writes_no_token()
    {
        var project = Directory.CreateDirectory(Path.Combine(_dir, "project")).FullName;
        var tokenFile = Path.Combine(_dir, "mine.token");
        await File.WriteAllTextAsync(tokenFile, "t0ken-value");
        var settings = new RelaySettings { Url = new Uri("http://localhost:7071"), Channel = "ops", Token = "t0ken-value", StateFile = Path.Combine(_dir, "state") };
        using var output = new StringWriter();

        var result = await InitCommand.RunAsync(
            settings, new FileInfo(tokenFile), new DirectoryInfo(project), "ops-relay", name => name == "XDG_CONFIG_HOME" ? Path.Combine(_dir, "config") : null, output, default);

        Assert.Null(result.Error);
        Assert.Equal(tokenFile, result.TokenFile);
        Assert.False(Directory.Exists(Path.Combine(_dir, "config")));
        var entry = JsonNode.Parse(await File.ReadAllTextAsync(result.McpJsonPath!))!["mcpServers"]!["ops-relay"]!;
        Assert.Contains(tokenFile, entry["args"]!.AsArray().Select(a => (string?)a));
        Assert.Contains("server:ops-relay", output.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("bad name")]
    [InlineData("")]
    [InlineData("a/b")]
    public async Task Init_refuses_a_server_name_Claude_Code_could_not_address(string name)
    {
        var settings = new RelaySettings { Url = new Uri("http://localhost:7071"), Channel = "ops", Token = "t", StateFile = "s" };

        var result = await InitCommand.RunAsync(settings, null, new DirectoryInfo(_dir), name, _ => null, TextWriter.Null, default);

        Assert.Contains("--name", result.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_dir, ".mcp.json")));
    }

    [Fact]
    public void An_installed_tool_is_named_by_its_shim_which_survives_updates()
    {
        var toolPath = Directory.CreateDirectory(Path.Combine(_dir, "tools")).FullName;
        var versioned = Directory.CreateDirectory(Path.Combine(toolPath, ".store", "serverless.relay", "0.2.0", "serverless.relay.linux-x64", "0.2.0", "tools", "any", "linux-x64")).FullName;
        File.WriteAllText(Path.Combine(versioned, "relay"), string.Empty);
        File.WriteAllText(Path.Combine(toolPath, "relay"), string.Empty);

        Assert.Equal(Path.Combine(toolPath, "relay"), RelayCommand.ToolShimFor(Path.Combine(versioned, "relay")));
        Assert.Null(RelayCommand.ToolShimFor(Path.Combine(_dir, "published", "relay")));
    }
}
