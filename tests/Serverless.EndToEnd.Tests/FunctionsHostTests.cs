using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using ModelContextProtocol.Protocol;
using Serverless.EndToEnd.Tests.FunctionsHost;
using Serverless.Testing;

namespace Serverless.EndToEnd.Tests;

/// <summary>
/// The deployment zip run the way Azure runs it: extracted, started as a .NET isolated worker by a
/// stand-in for the Functions host (<see cref="FakeFunctionsHost"/>: the host's process arguments, its gRPC
/// protocol, its HTTP proxying to the worker's Kestrel), with Azure-shaped settings, every chat service
/// against its fake, and a Web PubSub. The Web PubSub is the embedded endpoint of a second app of the
/// local default in this process: under the host the app cannot serve it itself (the host forwards only
/// function routes), no Web PubSub fake exists in the suite, and the embedded endpoint is already held to
/// Microsoft's own SDKs (<see cref="WebPubSubSdkTests"/>), for both its client WebSocket and its REST call.
/// </summary>
public sealed class HostedApp : IAsyncLifetime
{
    public const string RelayToken = "hosted-relay-token-every-channel-01";
    public const string OtherChannelToken = "hosted-relay-token-channel-other-01";
    public const string GitHubSecret = "hosted-github-secret-0123456789";
    public const string GenericToken = "hosted-generic-token-0123456789";
    public const string TelegramBotToken = "123456:HOSTED-bot-token";
    public const string TelegramSecret = "hosted-telegram-secret-token";
    public const long TelegramOwner = 111;
    public const string SlackSigningSecret = "hosted-slack-signing-secret";
    public const string SlackOwner = "U0OWNER01";
    public const string DiscordBotToken = "hosted-discord-bot-token";
    private const string WebPubSubKey = "hosted-web-pubsub-access-key-0123456789abcdef";

    private readonly PublishedPackage _package = new();

    public FakeFunctionsHost Host { get; private set; } = null!;

    public HttpClient Http { get; private set; } = null!;

    public string AppDirectory { get; private set; } = null!;

    public RunningFunctionsApp WebPubSub { get; private set; } = null!;

    public FakeTelegramBotApi Telegram { get; private set; } = null!;

    public FakeSlackApi Slack { get; private set; } = null!;

    public FakeDiscordApi Discord { get; private set; } = null!;

    public DiscordSigner DiscordSigner { get; } = new();

    /// <summary>The app settings the hosted app runs with (environment variables, as App Service passes them).</summary>
    public Dictionary<string, string> Settings { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await _package.InitializeAsync();
        AppDirectory = Path.Combine(_package.Work, "hosted");
        ZipFile.ExtractToDirectory(_package.Zip, AppDirectory);

        WebPubSub = await RunningFunctionsApp.StartAsync(new Dictionary<string, string?> { ["WebPubSub:EmbeddedAccessKey"] = WebPubSubKey });
        Telegram = await FakeTelegramBotApi.StartAsync(TelegramBotToken);
        Slack = await FakeSlackApi.StartAsync("xoxb-hosted-slack-bot-token");
        Discord = await FakeDiscordApi.StartAsync(DiscordBotToken);

        var settings = new Dictionary<string, string?>
        {
            ["WebPubSub:ConnectionString"] = $"Endpoint={WebPubSub.BaseUrl.GetLeftPart(UriPartial.Authority)};AccessKey={WebPubSubKey};Version=1.0;",
            ["Sources:github:Secret"] = GitHubSecret,
            ["Sources:generic:Secret"] = GenericToken,
            ["Telegram:BotToken"] = TelegramBotToken,
            ["Telegram:SecretToken"] = TelegramSecret,
            ["Telegram:ApiBaseUrl"] = Telegram.BaseUrl.ToString(),
            ["Telegram:AllowedUsers:0"] = TelegramOwner.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        foreach (var (key, value) in Slack.AppSettings(SlackSigningSecret, RelayToken, SlackOwner))
        {
            settings[key] = value;
        }

        foreach (var (key, value) in DiscordPayloads.AppSettings(DiscordSigner, Discord, DiscordBotToken, RelayToken))
        {
            settings[key] = value;
        }

        // After the chat services' own: one token for every channel, one bound to another channel only.
        settings["Relay:Tokens:0:Secret"] = RelayToken;
        settings["Relay:Tokens:0:Channels"] = "*";
        settings["Relay:Tokens:1:Secret"] = OtherChannelToken;
        settings["Relay:Tokens:1:Channels"] = "other";
        // App Service passes app settings as environment variables, with __ for the section separator.
        Settings = settings.ToDictionary(s => s.Key.Replace(":", "__", StringComparison.Ordinal), s => s.Value!);

        Host = await FakeFunctionsHost.StartAsync(AppDirectory, Settings);
        Http = Host.CreateClient();
    }

    public async Task DisposeAsync()
    {
        Http?.Dispose();
        if (Host is not null)
        {
            await Host.DisposeAsync();
        }

        await Discord.DisposeAsync();
        await Slack.DisposeAsync();
        await Telegram.DisposeAsync();
        await WebPubSub.DisposeAsync();
        DiscordSigner.Dispose();
        await _package.DisposeAsync();
    }
}

/// <summary>
/// The app under the Functions host protocol, from the worker's start to each route the outside calls:
/// what <see cref="Serverless.Tests.Functions.Hosting.FunctionParityTests"/> can only approximate by
/// calling the functions with a hand-built context.
/// </summary>
public sealed class FunctionsHostTests(HostedApp hosted) : IClassFixture<HostedApp>
{
    private readonly FakeFunctionsHost _host = hosted.Host;
    private readonly HttpClient _http = hosted.Http;

    private static HttpRequestMessage GitHubDelivery(byte[] body, string secret = HostedApp.GitHubSecret)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/api/hooks/github/bytes", UriKind.Relative)) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Add("X-Hub-Signature-256", "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body)));
        request.Headers.Add("X-GitHub-Event", "issue_comment");
        request.Headers.Add("X-GitHub-Delivery", Guid.NewGuid().ToString());
        return request;
    }

    private static HttpRequestMessage GenericPost(string channel, HttpContent content)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, new Uri($"/api/hooks/generic/{channel}", UriKind.Relative)) { Content = content };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", HostedApp.GenericToken);
        return request;
    }

    /// <summary>No invocation failed and no forwarding broke, in this test or before it.</summary>
    private void AssertNoFailures() =>
        Assert.True(_host.Failures.Count == 0, string.Join('\n', _host.Failures) + "\n" + _host.Output);

    private static string Text(CallToolResult result) => string.Join('\n', result.Content.OfType<TextContentBlock>().Select(c => c.Text));

    private async Task<string> AcceptedIdAsync(HttpRequestMessage request)
    {
        using (request)
        using (var response = await _http.SendAsync(request))
        {
            Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}\n{_host.Output}");
            return (string)(await response.Content.ReadFromJsonAsync<JsonObject>())!["id"]!;
        }
    }

    private async Task<RelayProcess> ConnectedRelayAsync(string channel)
    {
        var relay = await RelayProcess.StartAsync(_host.BaseUrl, channel, HostedApp.RelayToken);
        await WebhookToChannelTests.WaitUntilConnectedAsync(relay);
        return relay;
    }

    private async Task<JsonObject> NotificationAsync(RelayProcess relay, int count = 1)
    {
        Assert.True(await RelayProcess.EventuallyAsync(() => relay.Notifications.Count >= count, TimeSpan.FromSeconds(30)), relay.Stderr + "\n" + _host.Output);
        return relay.Notifications.Last();
    }

    [Fact]
    public async Task The_host_loads_every_function_the_worker_indexed_and_routes_only_their_routes()
    {
        var declared = typeof(Serverless.Functions.FunctionsWorker).Assembly.GetTypes()
            .SelectMany(t => t.GetMethods())
            .SelectMany(m => m.GetCustomAttributes(typeof(Microsoft.Azure.Functions.Worker.FunctionAttribute), false))
            .Cast<Microsoft.Azure.Functions.Worker.FunctionAttribute>()
            .Select(f => f.Name);
        var loaded = await _host.Worker.Loaded;

        Assert.Equal(declared.Order(), loaded.Select(f => f.Name).Order());
        Assert.Equal("true", _host.Worker.Capabilities.GetValueOrDefault("RpcHttpTriggerMetadataRemoved"), StringComparer.OrdinalIgnoreCase);
        using (var health = await _http.GetAsync(new Uri("/api/health", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        }

        // The embedded Web PubSub endpoint has no function: the host never forwards to it.
        using (var embedded = await _http.PostAsync(new Uri("/api/hubs/channels/groups/ops/:send", UriKind.Relative), new StringContent("{}")))
        {
            Assert.Equal(HttpStatusCode.NotFound, embedded.StatusCode);
        }

        using (var unknown = await _http.GetAsync(new Uri("/api/no-such-function", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        }

        Assert.Empty(_host.Worker.Violations);
        AssertNoFailures();
    }

    [Fact]
    public async Task A_github_signed_200_KiB_body_with_non_ascii_text_arrives_byte_exact()
    {
        // The signature covers every byte: one byte changed on the way through the host would be a 401.
        var comment = string.Concat(Enumerable.Repeat("Grüße, 世界 — ✓ ", 200 * 1024 / 24));
        var body = Encoding.UTF8.GetBytes(new JsonObject
        {
            ["action"] = "created",
            ["issue"] = new JsonObject { ["number"] = 7, ["title"] = "Ünïcode", ["html_url"] = "https://github.com/o/r/issues/7" },
            ["comment"] = new JsonObject { ["body"] = comment, ["html_url"] = "https://github.com/o/r/issues/7#c1", ["user"] = new JsonObject { ["login"] = "stranger" } },
            ["repository"] = new JsonObject { ["full_name"] = "o/r" },
            ["sender"] = new JsonObject { ["login"] = "stranger" },
        }.ToJsonString(new JsonSerializerOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }));
        // Raw UTF-8 on the wire, not \u escapes: the multi-byte sequences are what a proxy could mangle.
        Assert.InRange(body.Length, 200 * 1024, 260 * 1024);
        Assert.True(body.AsSpan().IndexOf("世界"u8) >= 0, "the body carries its text escaped");
        await using var relay = await ConnectedRelayAsync("bytes");

        var id = await AcceptedIdAsync(GitHubDelivery(body));

        var notification = await NotificationAsync(relay);
        Assert.Equal(id, (string?)notification["meta"]!["event_id"]);
        var whole = await relay.Client.CallToolAsync("get_event", new Dictionary<string, object?> { ["event_id"] = id });
        var envelope = JsonNode.Parse(Text(whole))!;
        Assert.Equal(comment, (string?)envelope["data"]!["comment"]!["body"]);
        AssertNoFailures();
    }

    [Fact]
    public async Task A_github_body_changed_by_one_byte_after_signing_is_refused()
    {
        var body = Encoding.UTF8.GetBytes("""{"action":"created","issue":{"number":7},"comment":{"body":"Grüße"},"repository":{"full_name":"o/r"},"sender":{"login":"s"}}""");
        using var request = GitHubDelivery(body);
        body[^3] ^= 1;
        request.Content = new ByteArrayContent(body) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } };

        using var response = await _http.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task A_chunked_body_without_content_length_is_read_whole_and_accepted()
    {
        var json = """{"title":"chunked through the host","note":"ünïcödé"}"""u8.ToArray();
        var content = new StreamContent(new MemoryStream(json));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var request = GenericPost("chunked", content);
        request.Headers.TransferEncodingChunked = true;
        await using var relay = await ConnectedRelayAsync("chunked");

        var id = await AcceptedIdAsync(request);

        var notification = await NotificationAsync(relay);
        Assert.Equal(id, (string?)notification["meta"]!["event_id"]);
        Assert.Contains("chunked through the host", (string?)notification["content"], StringComparison.Ordinal);
        AssertNoFailures();
    }

    [Fact]
    public async Task A_body_over_the_apps_limit_is_refused_with_413_by_the_app_behind_the_host()
    {
        // Under the host's own 100 MB limit, over the app's 1 MiB: the app's answer, through the host.
        var json = Encoding.UTF8.GetBytes($$"""{"title":"too big","pad":"{{new string('x', 1024 * 1024)}}"}""");
        var content = new ByteArrayContent(json) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } };
        using var request = GenericPost("big", content);

        using var response = await _http.SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        AssertNoFailures();
    }

    [Fact]
    public async Task The_relay_handshakes_through_the_host_and_takes_an_event_from_the_backlog_and_one_by_the_doorbell()
    {
        var early = await AcceptedIdAsync(GenericPost("ops", JsonContent.Create(new { title = "before the relay started" })));
        // An hour between safety polls: after the drain on connect, only a doorbell can bring an event.
        await using var relay = await RelayProcess.StartAsync(_host.BaseUrl, "ops", HostedApp.RelayToken, null, "--poll-interval", "3600");
        await WebhookToChannelTests.WaitUntilConnectedAsync(relay);
        Assert.True(
            await RelayProcess.EventuallyAsync(
                () => relay.DeliveredEventIds.Count == 1 && relay.Stderr.Contains("Backlog (connect): 1 event(s) handled", StringComparison.Ordinal),
                TimeSpan.FromSeconds(30)),
            relay.Stderr);
        Assert.Equal(early, relay.DeliveredEventIds[0]);

        var rung = await AcceptedIdAsync(GenericPost("ops", JsonContent.Create(new { title = "while the relay listens" })));

        Assert.True(await RelayProcess.EventuallyAsync(() => relay.DeliveredEventIds.Count == 2, TimeSpan.FromSeconds(30)), relay.Stderr + "\n" + _host.Output);
        Assert.Equal([early, rung], relay.DeliveredEventIds);
        Assert.DoesNotContain("Backlog (safety poll)", relay.Stderr, StringComparison.Ordinal);
        Assert.True(relay.Client.ServerCapabilities.Experimental?.ContainsKey("claude/channel"));
        AssertNoFailures();
    }

    [Fact]
    public async Task A_relay_token_of_another_channel_is_refused_for_this_one()
    {
        using var negotiate = new HttpRequestMessage(HttpMethod.Post, new Uri("/api/relay/negotiate?channel=ops", UriKind.Relative));
        negotiate.Headers.Authorization = new AuthenticationHeaderValue("Bearer", HostedApp.OtherChannelToken);
        using var backlog = new HttpRequestMessage(HttpMethod.Post, new Uri("/api/relay/backlog", UriKind.Relative)) { Content = JsonContent.Create(new { channel = "ops" }) };
        backlog.Headers.Authorization = new AuthenticationHeaderValue("Bearer", HostedApp.OtherChannelToken);
        using var own = new HttpRequestMessage(HttpMethod.Post, new Uri("/api/relay/negotiate?channel=other", UriKind.Relative));
        own.Headers.Authorization = new AuthenticationHeaderValue("Bearer", HostedApp.OtherChannelToken);

        using var refused = await _http.SendAsync(negotiate);
        using var refusedBacklog = await _http.SendAsync(backlog);
        using var allowed = await _http.SendAsync(own);

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, refusedBacklog.StatusCode);
        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
    }

    [Fact]
    public async Task A_telegram_update_reaches_the_session_through_the_host()
    {
        await using var relay = await ConnectedRelayAsync("default");
        var update = new JsonObject
        {
            ["update_id"] = 501,
            ["message"] = new JsonObject
            {
                ["message_id"] = 42,
                ["from"] = new JsonObject { ["id"] = HostedApp.TelegramOwner, ["is_bot"] = false, ["first_name"] = "Ann" },
                ["chat"] = new JsonObject { ["id"] = HostedApp.TelegramOwner, ["type"] = "private" },
                ["date"] = 1764032400,
                ["text"] = "telegram through the host",
            },
        };
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/api/telegram", UriKind.Relative)) { Content = JsonContent.Create(update) };
        request.Headers.Add("X-Telegram-Bot-Api-Secret-Token", HostedApp.TelegramSecret);

        using var response = await _http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var notification = await NotificationAsync(relay);
        Assert.Equal("telegram through the host", (string?)notification["content"]);
        Assert.Equal("111", (string?)notification["meta"]!["chat_id"]);
    }

    [Fact]
    public async Task A_signed_slack_message_reaches_the_session_through_the_host()
    {
        await using var relay = await ConnectedRelayAsync("default");
        using var request = SlackRequests.Event(
            SlackRequests.Envelope(SlackRequests.DirectMessage(HostedApp.SlackOwner, "slack through the host", "1700000001.000042"), "Ev0HOSTED1"),
            HostedApp.SlackSigningSecret,
            DateTimeOffset.UtcNow);

        using var response = await _http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var notification = await NotificationAsync(relay);
        Assert.Equal("slack through the host", (string?)notification["content"]);
        Assert.Equal("slack:D0DM0001", (string?)notification["meta"]!["chat_id"]);
    }

    [Fact]
    public async Task A_signed_discord_command_reaches_the_session_through_the_host()
    {
        await using var relay = await ConnectedRelayAsync("default");
        using var request = hosted.DiscordSigner.Request(DiscordPayloads.Command("discord through the host", null, "42", "500", "1100000000000000101").ToJsonString(), DateTimeOffset.UtcNow);

        using var response = await _http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(64, (int?)JsonNode.Parse(await response.Content.ReadAsStringAsync())?["data"]?["flags"]);
        var notification = await NotificationAsync(relay);
        Assert.Equal("discord through the host", (string?)notification["content"]);
    }

    [Theory]
    [InlineData("WebPubSub__ConnectionString", "WebPubSub:ConnectionString or WebPubSub:Endpoint is required under the Functions host")]
    [InlineData("Relay__Tokens__0__Secret", "Relay:Tokens")]
    public async Task Under_the_host_the_worker_refuses_to_start_without_a_required_setting_and_names_it(string left, string message)
    {
        var settings = new Dictionary<string, string>(hosted.Settings);
        settings.Remove(left);
        if (left.StartsWith("Relay__", StringComparison.Ordinal))
        {
            // Every relay token, not only the first, and the channels that would be left bare.
            foreach (var key in settings.Keys.Where(k => k.StartsWith("Relay__Tokens__", StringComparison.Ordinal)).ToList())
            {
                settings.Remove(key);
            }
        }

        var (exitCode, output) = await FakeFunctionsHost.RunUntilExitAsync(hosted.AppDirectory, settings);

        Assert.NotEqual(0, exitCode);
        Assert.Contains(message, output, StringComparison.Ordinal);
    }
}
