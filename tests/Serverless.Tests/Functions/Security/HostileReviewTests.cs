using System.Net;
using System.Net.Http.Headers;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Serverless.Functions.Events;
using Serverless.Functions.Hosting;
using Serverless.Functions.Inbox;
using Serverless.Functions.Security;
using Serverless.Functions.WebPubSub.Embedded;
using Serverless.Testing;

namespace Serverless.Tests.Functions.Security;

/// <summary>
/// Each defect a hostile review reproduced, tried again the way the attacker did: on one shared app of the
/// local default where the attack needs nothing else, on an app of its own where it needs other settings.
/// </summary>
public sealed class HostileReviewTests(LocalDefaultApp local) : IClassFixture<LocalDefaultApp>
{
    private const string Foreign = "http://evil.example.invalid";

    private static async Task<string> StartupErrorAsync(Dictionary<string, string?> settings)
    {
        var ex = await Assert.ThrowsAsync<OptionsValidationException>(async () =>
        {
            await using var app = await RunningFunctionsApp.StartAsync(settings);
        });
        return ex.Message;
    }

    private static JsonObject Claims(string audience, params string[] groups) => new()
    {
        ["aud"] = audience,
        ["exp"] = DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeSeconds(),
        ["sub"] = "attacker",
        ["webpubsub.group"] = new JsonArray([.. groups.Select(g => (JsonNode?)JsonValue.Create(g))]),
        ["role"] = new JsonArray("webpubsub.joinLeaveGroup", "webpubsub.sendToGroup"),
    };

    [Fact]
    public async Task With_azure_storage_and_no_web_pubsub_the_app_refuses_to_start_instead_of_serving_the_embedded_endpoint()
    {
        var message = await StartupErrorAsync(new()
        {
            ["Storage:ConnectionString"] = "DefaultEndpointsProtocol=https;AccountName=prod;AccountKey=a2V5;EndpointSuffix=core.windows.net",
            ["Relay:Tokens:0:Secret"] = "a-real-relay-token-0123456789",
            ["Relay:Tokens:0:Channels"] = "*",
        });

        Assert.Contains("WebPubSub:ConnectionString or WebPubSub:Endpoint is required", message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("UseDevelopmentStorage=true", true)]
    [InlineData("DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=a2V5;QueueEndpoint=http://127.0.0.1:10001/devstoreaccount1;BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1;TableEndpoint=http://127.0.0.1:10002/devstoreaccount1", true)]
    [InlineData("DefaultEndpointsProtocol=http;AccountName=prod;AccountKey=a2V5;QueueEndpoint=http://127.0.0.1:10001/prod;BlobEndpoint=http://127.0.0.1:10000/prod", false)]
    [InlineData("DefaultEndpointsProtocol=https;AccountName=localhostprod;AccountKey=a2V5;EndpointSuffix=core.windows.net", false)]
    [InlineData("DefaultEndpointsProtocol=https;AccountName=x;AccountKey=a2V5;QueueEndpoint=https://x.queue.core.windows.net/?localhost=1", false)]
    [InlineData("DefaultEndpointsProtocol=http;AccountName=x;AccountKey=a2V5;QueueEndpoint=http://127.0.0.1:10001/x;BlobEndpoint=https://x.blob.core.windows.net", false)]
    [InlineData("UseDevelopmentStorage=false", false)]
    public void The_storage_emulator_is_recognised_by_its_endpoints_not_by_substrings(string connectionString, bool emulator)
    {
        Assert.Equal(emulator, DeploymentMode.IsStorageEmulator(connectionString));
    }

    [Fact]
    public async Task Tokens_signed_with_the_formerly_published_key_open_nothing()
    {
        var app = local.App;
        var http = local.Http;
        var key = app.Services.GetRequiredService<EmbeddedAccessKey>().Value;
        Assert.NotEqual(DevelopmentSecrets.FormerWebPubSubAccessKey, key);

        var clientUrl = $"{app.BaseUrl.GetLeftPart(UriPartial.Authority)}/client/hubs/channels";
        var forged = HmacJwt.Create(Claims(clientUrl, "ops"), DevelopmentSecrets.FormerWebPubSubAccessKey);
        using var socket = new ClientWebSocket();
        var refused = await Assert.ThrowsAsync<WebSocketException>(() =>
            socket.ConnectAsync(new Uri($"ws://{app.BaseUrl.Authority}/client/hubs/channels?access_token={forged}"), CancellationToken.None));
        Assert.Contains("401", refused.Message, StringComparison.Ordinal);

        var sendUrl = $"{app.BaseUrl.GetLeftPart(UriPartial.Authority)}/api/hubs/channels/groups/ops/:send?api-version=2024-01-01";
        using var send = new HttpRequestMessage(HttpMethod.Post, sendUrl) { Content = new StringContent("""{"type":"event"}""", Encoding.UTF8, "application/json") };
        send.Headers.Authorization = new AuthenticationHeaderValue("Bearer", HmacJwt.Create(new JsonObject { ["aud"] = sendUrl, ["exp"] = DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeSeconds() }, DevelopmentSecrets.FormerWebPubSubAccessKey));
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.SendAsync(send)).StatusCode);
    }

    [Fact]
    public async Task The_embedded_key_is_random_per_process_unless_set()
    {
        await using var first = await RunningFunctionsApp.StartAsync();
        await using var second = await RunningFunctionsApp.StartAsync();
        await using var fixedKey = await RunningFunctionsApp.StartAsync(new Dictionary<string, string?> { ["WebPubSub:EmbeddedAccessKey"] = "a-key-for-local-tools-only" });

        Assert.NotEqual(first.Services.GetRequiredService<EmbeddedAccessKey>().Value, second.Services.GetRequiredService<EmbeddedAccessKey>().Value);
        Assert.Equal("a-key-for-local-tools-only", fixedKey.Services.GetRequiredService<EmbeddedAccessKey>().Value);
    }

    [Fact]
    public async Task A_web_page_cannot_open_the_embedded_websocket_or_post_a_webhook_on_the_local_default()
    {
        var app = local.App;
        var http = local.Http;
        var key = app.Services.GetRequiredService<EmbeddedAccessKey>().Value;
        var clientUrl = $"{app.BaseUrl.GetLeftPart(UriPartial.Authority)}/client/hubs/channels";
        var token = HmacJwt.Create(Claims(clientUrl, "ops"), key);

        using var fromPage = new ClientWebSocket();
        fromPage.Options.SetRequestHeader("Origin", Foreign);
        var refused = await Assert.ThrowsAsync<WebSocketException>(() =>
            fromPage.ConnectAsync(new Uri($"ws://{app.BaseUrl.Authority}/client/hubs/channels?access_token={token}"), CancellationToken.None));
        Assert.Contains("403", refused.Message, StringComparison.Ordinal);

        using var webhook = new HttpRequestMessage(HttpMethod.Post, "/api/hooks/generic/page-ops") { Content = new StringContent("""{"title":"from a page"}""", Encoding.UTF8, "text/plain") };
        webhook.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "dev-webhook-token");
        webhook.Headers.Add("Origin", Foreign);
        Assert.Equal(HttpStatusCode.Forbidden, (await http.SendAsync(webhook)).StatusCode);
        Assert.Equal(0, app.Services.GetRequiredService<EmbeddedEventInbox>().Count("page-ops"));

        // Without an Origin (curl, a relay, a SaaS sender), or from the app's own origin, nothing changes.
        using var sameOrigin = new ClientWebSocket();
        sameOrigin.Options.SetRequestHeader("Origin", app.BaseUrl.GetLeftPart(UriPartial.Authority));
        await sameOrigin.ConnectAsync(new Uri($"ws://{app.BaseUrl.Authority}/client/hubs/channels?access_token={token}"), CancellationToken.None);
        Assert.Equal(WebSocketState.Open, sameOrigin.State);
        using var plain = new HttpRequestMessage(HttpMethod.Post, "/api/hooks/generic/page-ops") { Content = new StringContent("""{"title":"from curl"}""", Encoding.UTF8, "application/json") };
        plain.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "dev-webhook-token");
        Assert.Equal(HttpStatusCode.Accepted, (await http.SendAsync(plain)).StatusCode);
    }

    [Fact]
    public async Task With_a_telegram_bot_the_development_relay_token_cannot_approve_a_pairing()
    {
        var message = await StartupErrorAsync(new()
        {
            ["Telegram:BotToken"] = "123456:bot-token",
            ["Telegram:SecretToken"] = "telegram-secret-token-0123",
        });
        Assert.Contains("development relay token is not accepted", message, StringComparison.Ordinal);

        await using var app = await RunningFunctionsApp.StartAsync(new Dictionary<string, string?>
        {
            ["Telegram:BotToken"] = "123456:bot-token",
            ["Telegram:SecretToken"] = "telegram-secret-token-0123",
            ["Telegram:ApiBaseUrl"] = "http://127.0.0.1:9",
            ["Relay:Tokens:0:Secret"] = "the-owners-relay-token-0123",
            ["Relay:Tokens:0:Channels"] = "default",
        });
        using var http = app.CreateClient();
        using var pair = new HttpRequestMessage(HttpMethod.Post, "/api/relay/pair") { Content = new StringContent("""{"channel":"default","code":"ABC234"}""", Encoding.UTF8, "application/json") };
        pair.Headers.Authorization = new AuthenticationHeaderValue("Bearer", DevelopmentSecrets.RelayToken);
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.SendAsync(pair)).StatusCode);
    }

    [Fact]
    public async Task Secrets_in_request_urls_do_not_reach_the_log()
    {
        var lines = new List<string>();
        await using var app = await RunningFunctionsApp.StartAsync(new Dictionary<string, string?>
        {
            ["Sources:generic:Secret"] = "url-secret-generic-0123456789",
            ["Logging:LogLevel:Default"] = "Trace",
        }, logLines: lines);
        using var http = app.CreateClient();

        using var response = await http.PostAsync("/api/hooks/generic/ops?code=url-secret-generic-0123456789", new StringContent("""{"title":"t"}""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        using var wrong = await http.PostAsync("/api/hooks/generic/ops?code=url-secret-wrong-9876543210", new StringContent("{}", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);

        Assert.NotEmpty(lines);
        Assert.DoesNotContain(lines, l => l.Contains("url-secret-", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("ops\n")]
    [InlineData("ops\r\n")]
    [InlineData("OPS")]
    [InlineData("")]
    [InlineData("a-very-long-channel-name-that-goes-past-forty")]
    public void Channel_names_are_matched_whole(string name)
    {
        Assert.False(ChannelName.IsValid(name));
    }

    [Fact]
    public async Task A_rebound_host_name_is_refused_on_the_local_default_and_AllowedHosts_can_name_a_tunnel()
    {
        var app = local.App;
        var http = local.Http;

        // DNS rebinding: the page's own name now points at 127.0.0.1, so its requests are "same origin".
        using var rebound = new HttpRequestMessage(HttpMethod.Get, "/api/relay/events/abc?channel=ops");
        rebound.Headers.Host = $"attacker.example.invalid:{app.BaseUrl.Port}";
        rebound.Headers.Authorization = new AuthenticationHeaderValue("Bearer", DevelopmentSecrets.RelayToken);
        Assert.Equal(HttpStatusCode.BadRequest, (await http.SendAsync(rebound)).StatusCode);

        using var byName = new HttpRequestMessage(HttpMethod.Get, "/api/health");
        byName.Headers.Host = $"localhost:{app.BaseUrl.Port}";
        Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(byName)).StatusCode);

        await using var tunnelled = await RunningFunctionsApp.StartAsync(new Dictionary<string, string?> { ["AllowedHosts"] = "localhost;127.0.0.1;my-tunnel.example.invalid" });
        using var tunnelHttp = tunnelled.CreateClient();
        using var viaTunnel = new HttpRequestMessage(HttpMethod.Get, "/api/health");
        viaTunnel.Headers.Host = "my-tunnel.example.invalid";
        Assert.Equal(HttpStatusCode.OK, (await tunnelHttp.SendAsync(viaTunnel)).StatusCode);
    }

    [Fact]
    public async Task The_formerly_published_key_cannot_be_set_as_the_embedded_key()
    {
        var message = await StartupErrorAsync(new() { ["WebPubSub:EmbeddedAccessKey"] = DevelopmentSecrets.FormerWebPubSubAccessKey });

        Assert.Contains("WebPubSub:EmbeddedAccessKey", message, StringComparison.Ordinal);
    }
}
