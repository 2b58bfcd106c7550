using System.Text.Json.Nodes;
using Serverless.Testing;

namespace Serverless.EndToEnd.Tests;

/// <summary>
/// The relay driven byte for byte the way Claude Code 2.1.330 drives a stdio server (recorded from its
/// stdin): a <c>server/discover</c> probe for the 2026-07-28 revision first, then <c>initialize</c>
/// for 2025-11-25 once the probe is refused. On 2026-07-28 Claude Code skips channel notifications, so
/// the refusal is what makes events reach the session.
/// </summary>
public sealed class ClaudeCodeHandshakeTests(LocalDefaultApp local) : IClassFixture<LocalDefaultApp>
{
    public const string DiscoverProbe = """{"jsonrpc":"2.0","id":"server-discover-probe-1","method":"server/discover","params":{"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientInfo":{"name":"claude-code","title":"Claude Code","version":"2.1.330","description":"Anthropic's agentic coding tool","websiteUrl":"https://claude.com/claude-code"},"io.modelcontextprotocol/clientCapabilities":{"roots":{"listChanged":true},"elicitation":{"form":{},"url":{}},"extensions":{"io.modelcontextprotocol/tasks":{}}}}}}""";
    public const string Initialize = """{"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{"roots":{"listChanged":true},"elicitation":{"form":{},"url":{}}},"clientInfo":{"name":"claude-code","title":"Claude Code","version":"2.1.330","description":"Anthropic's agentic coding tool","websiteUrl":"https://claude.com/claude-code"}},"jsonrpc":"2.0","id":0}""";
    public const string Initialized = """{"jsonrpc":"2.0","method":"notifications/initialized"}""";
    public const string ToolsList = """{"method":"tools/list","jsonrpc":"2.0","id":1}""";

    private readonly RunningFunctionsApp _app = local.App;
    private readonly HttpClient _http = local.Http;

    private RawStdioClient StartRelay(string channel) => RawStdioClient.Start(RelayProcess.StartInfo(
        "dev-relay-token", "--url", _app.BaseUrl.ToString(), "--channel", channel, "--state-file", RelayProcess.NewStateFile()));

    private static string ToolText(JsonObject response) =>
        string.Join('\n', response["result"]!["content"]!.AsArray().Select(c => (string?)c!["text"]));

    [Fact]
    public async Task Driven_like_Claude_Code_the_relay_refuses_the_probe_then_delivers_one_notification_per_webhook()
    {
        await using var relay = StartRelay("cc");

        await relay.SendAsync(DiscoverProbe);
        var refusal = await relay.ResponseAsync("\"server-discover-probe-1\"", TimeSpan.FromSeconds(30));
        Assert.Equal(-32022, (int?)refusal["error"]?["code"]);
        Assert.Equal(["2025-11-25"], refusal["error"]!["data"]!["supported"]!.AsArray().Select(v => (string?)v));

        await relay.SendAsync(Initialize);
        var initialize = await relay.ResponseAsync("0", TimeSpan.FromSeconds(10));
        Assert.Equal("2025-11-25", (string?)initialize["result"]!["protocolVersion"]);
        Assert.NotNull(initialize["result"]!["capabilities"]!["experimental"]!["claude/channel"]);
        Assert.Null(initialize["result"]!["capabilities"]!["experimental"]!["claude/channel/permission"]);
        Assert.Contains("untrusted", (string?)initialize["result"]!["instructions"], StringComparison.Ordinal);

        await relay.SendAsync(Initialized);
        await relay.SendAsync(ToolsList);
        var tools = await relay.ResponseAsync("1", TimeSpan.FromSeconds(10));
        Assert.Contains(tools["result"]!["tools"]!.AsArray(), t => (string?)t!["name"] == "get_status");
        Assert.True(
            await RelayProcess.EventuallyAsync(() => relay.Stderr.Contains("Connected to Web PubSub", StringComparison.Ordinal), TimeSpan.FromSeconds(30)),
            relay.Stderr);

        var id = await Webhook.PostAcceptedAsync(_http, "cc", new { title = "Deploy failed", env = "prod" });

        Assert.True(
            await RelayProcess.EventuallyAsync(() => relay.Notifications(RelayProcess.ChannelMethod).Count >= 1, TimeSpan.FromSeconds(30)),
            relay.Stderr);
        var notification = Assert.Single(relay.Notifications(RelayProcess.ChannelMethod));
        Assert.Equal(id, (string?)notification["params"]!["meta"]!["event_id"]);
        Assert.Contains("Deploy failed", (string?)notification["params"]!["content"], StringComparison.Ordinal);

        await relay.SendAsync("""{"method":"tools/call","params":{"name":"get_status","arguments":{}},"jsonrpc":"2.0","id":2}""");
        var status = ToolText(await relay.ResponseAsync("2", TimeSpan.FromSeconds(10)));
        Assert.Contains("MCP protocol revision: 2025-11-25", status, StringComparison.Ordinal);
        Assert.Contains("channel delivery: active", status, StringComparison.Ordinal);
        Assert.Contains("events delivered: 1", status, StringComparison.Ordinal);
        Assert.Empty(relay.Unparsed);
    }

    [Fact]
    public async Task A_client_that_never_completes_the_handshake_gets_no_event_and_leaves_it_in_the_queue()
    {
        await using var stalled = StartRelay("stall");
        await stalled.SendAsync(DiscoverProbe);
        await stalled.SendAsync(Initialize);
        await stalled.ResponseAsync("0", TimeSpan.FromSeconds(30));
        // No notifications/initialized: a client on the 2026-07-28 era never sends it.

        var id = await Webhook.PostAcceptedAsync(_http, "stall", new { title = "waits in the queue" });
        Assert.True(
            await RelayProcess.EventuallyAsync(() => stalled.Stderr.Contains("has not completed the MCP handshake", StringComparison.Ordinal), TimeSpan.FromSeconds(20)),
            stalled.Stderr);
        Assert.Contains("MCP_PROTOCOL_NEGOTIATION=legacy", stalled.Stderr, StringComparison.Ordinal);
        Assert.Empty(stalled.Notifications(RelayProcess.ChannelMethod));
        Assert.DoesNotContain("Connected to Web PubSub", stalled.Stderr, StringComparison.Ordinal);

        await stalled.SendAsync("""{"method":"tools/call","params":{"name":"get_status","arguments":{}},"jsonrpc":"2.0","id":2}""");
        var status = ToolText(await stalled.ResponseAsync("2", TimeSpan.FromSeconds(10)));
        Assert.Contains("channel delivery: waiting for Claude Code to complete the MCP handshake", status, StringComparison.Ordinal);
        Assert.Contains("state: waiting for the session", status, StringComparison.Ordinal);

        // The event is still visible in the queue: a relay that does complete the handshake gets it at once,
        // well inside the 60 s visibility timeout a taken event would have been hidden for.
        await using var working = await RelayProcess.StartAsync(_app.BaseUrl, "stall", "dev-relay-token");
        Assert.True(await RelayProcess.EventuallyAsync(() => working.Notifications.Count >= 1, TimeSpan.FromSeconds(20)), working.Stderr);
        Assert.Equal(id, (string?)Assert.Single(working.Notifications)["meta"]!["event_id"]);
        Assert.Equal(1, stalled.Stderr.Split('\n').Count(l => l.Contains("has not completed the MCP handshake", StringComparison.Ordinal)));
    }
}
