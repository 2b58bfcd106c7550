using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Functions.Inbox;
using Serverless.Functions.WebPubSub.Embedded;
using Serverless.Testing;

namespace Serverless.EndToEnd.Tests;

/// <summary>The whole path on the local default: webhook in, channel notification out of a real relay process.</summary>
public sealed class WebhookToChannelTests(LocalDefaultApp local) : IClassFixture<LocalDefaultApp>
{
    private readonly RunningFunctionsApp _app = local.App;
    private readonly HttpClient _http = local.Http;

    /// <summary>Events of the channel still in the embedded inbox: waiting, or taken and not yet acknowledged.</summary>
    private Func<Task<int>> InboxOf(string channel) =>
        () => Task.FromResult(_app.Services.GetRequiredService<EmbeddedEventInbox>().Count(channel));

    private Task<string> PostWebhookAsync(string channel, object body) => Webhook.PostAcceptedAsync(_http, channel, body);

    internal static async Task WaitUntilConnectedAsync(RelayProcess relay) =>
        Assert.True(
            await RelayProcess.EventuallyAsync(() => relay.Stderr.Contains("Connected to Web PubSub", StringComparison.Ordinal), TimeSpan.FromSeconds(30)),
            "the relay did not connect:\n" + relay.Stderr);

    [Fact]
    public async Task The_relay_declares_the_channel_capability_and_instructions()
    {
        await using var relay = await RelayProcess.StartAsync(_app.BaseUrl, "ops", "dev-relay-token");

        var capabilities = relay.Client.ServerCapabilities;
        Assert.NotNull(capabilities.Experimental);
        Assert.True(capabilities.Experimental.ContainsKey("claude/channel"));
        Assert.False(capabilities.Experimental.ContainsKey("claude/channel/permission"));
        Assert.Contains("untrusted", relay.Client.ServerInstructions, StringComparison.Ordinal);
        Assert.Contains("ops", relay.Client.ServerInstructions, StringComparison.Ordinal);
        var tools = await relay.Client.ListToolsAsync();
        Assert.Contains(tools, t => t.Name == "get_status");
    }

    [Fact]
    public async Task A_generic_webhook_arrives_as_exactly_one_channel_notification()
    {
        await using var relay = await RelayProcess.StartAsync(_app.BaseUrl, "ops", "dev-relay-token");
        await WaitUntilConnectedAsync(relay);

        var id = await PostWebhookAsync("ops", new { title = "Deploy failed", env = "prod" });
        await PostWebhookAsync("elsewhere", new { title = "not for this relay" });

        await relay.SettledAsync(1, InboxOf("ops"), TimeSpan.FromSeconds(30));
        var notification = Assert.Single(relay.Notifications);
        var content = (string)notification["content"]!;
        var meta = notification["meta"]!.AsObject();
        Assert.Contains("Deploy failed", content, StringComparison.Ordinal);
        Assert.Contains("env: prod", content, StringComparison.Ordinal);
        Assert.Equal(id, (string?)meta["event_id"]);
        Assert.Equal("generic", (string?)meta["kind"]);
        Assert.Equal("webhook", (string?)meta["event_type"]);
        Assert.Equal("ops", (string?)meta["channel"]);
        Assert.Equal("third_party", (string?)meta["trust"]);
        Assert.All(meta, p => Assert.Matches("^[A-Za-z0-9_]+$", p.Key));
        Assert.All(meta, p => Assert.Equal(System.Text.Json.JsonValueKind.String, p.Value!.GetValueKind()));

        var whole = await relay.Client.CallToolAsync("get_event", new Dictionary<string, object?> { ["event_id"] = id });
        var envelope = JsonNode.Parse(Assert.Single(whole.Content.OfType<ModelContextProtocol.Protocol.TextContentBlock>()).Text)!;
        Assert.Equal("prod", (string?)envelope["data"]!["env"]);
        Assert.Equal("1.0", (string?)envelope["specversion"]);
    }

    [Fact]
    public async Task Events_sent_before_the_relay_started_arrive_once_it_connects()
    {
        var ids = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            ids.Add(await PostWebhookAsync("late", new { title = $"event {i}" }));
        }

        await using var relay = await RelayProcess.StartAsync(_app.BaseUrl, "late", "dev-relay-token");

        await relay.SettledAsync(5, InboxOf("late"), TimeSpan.FromSeconds(20));
        Assert.Equal(ids.Order(), relay.Notifications.Select(n => (string)n["meta"]!["event_id"]!).Order());

        // The SDK client may dispatch notifications concurrently, so the order is read from the relay's own log,
        // which it writes after each notification has gone out on stdout.
        Assert.Equal(ids, relay.DeliveredEventIds);
    }

    [Fact]
    public async Task A_server_side_websocket_drop_mid_stream_loses_and_duplicates_nothing()
    {
        await using var relay = await RelayProcess.StartAsync(_app.BaseUrl, "flow", "dev-relay-token");
        await WaitUntilConnectedAsync(relay);
        var hub = _app.Services.GetRequiredService<EmbeddedWebPubSubHub>();

        var ids = new List<string>();
        for (var i = 0; i < 40; i++)
        {
            ids.Add(await PostWebhookAsync("flow", new { title = $"event {i}" }));
            if (i % 10 == 5)
            {
                hub.AbortSockets("channels", "flow");
            }
        }

        await relay.SettledAsync(ids.Count, InboxOf("flow"), TimeSpan.FromSeconds(30));
        var received = relay.Notifications.Select(n => (string)n["meta"]!["event_id"]!).ToList();
        Assert.Equal(ids.Count, received.Count);
        Assert.Equal(ids.Order(), received.Order());
    }
}
