using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Testing;

namespace Serverless.Tests.Functions.Chat.Discord;

/// <summary>
/// The interactions endpoint and the relay's registration route through the running app, with requests
/// signed by a key pair of the test's own and a fake of Discord's API on 127.0.0.1.
/// </summary>
public sealed class DiscordEndpointTests : IAsyncLifetime
{
    public const string BotToken = "MTA.endpoint-tests.bot-token";
    public const string RelayToken = "discord-endpoint-relay-token-0123";
    private readonly ManualTimeProvider _clock = new();
    private readonly DiscordSigner _signer = new();
    private FakeDiscordApi _discord = null!;
    private RunningFunctionsApp _app = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        _discord = await FakeDiscordApi.StartAsync(BotToken);
        _app = await RunningFunctionsApp.StartAsync(DiscordPayloads.AppSettings(_signer, _discord, BotToken, RelayToken), services => services.AddSingleton<TimeProvider>(_clock));
        _http = _app.CreateClient();
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _app.DisposeAsync();
        await _discord.DisposeAsync();
        _signer.Dispose();
    }

    private const string Ping = """{"id":"1100000000000000000","application_id":"777","type":1,"token":"t","version":1}""";

    private async Task<HttpResponseMessage> PostAsync(string body, DateTimeOffset? at = null, Func<string, string>? tamper = null)
    {
        using var request = _signer.Request(body, at ?? _clock.GetUtcNow(), tamper);
        return await _http.SendAsync(request);
    }

    [Fact]
    public async Task A_signed_ping_is_answered_with_a_pong()
    {
        using var response = await PostAsync(Ping);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("""{"type":1}""", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_signature_changed_by_one_byte_is_401()
    {
        using var response = await PostAsync(Ping, tamper: signature => (signature[0] == '0' ? "1" : "0") + signature[1..]);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task A_body_changed_by_one_byte_after_signing_is_401()
    {
        var timestamp = DiscordSigner.Timestamp(_clock.GetUtcNow());
        var signature = _signer.Sign(timestamp, Encoding.UTF8.GetBytes(Ping));
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/api/discord/interactions", UriKind.Relative))
        {
            Content = new StringContent(Ping.Replace("\"type\":1", "\"type\":2", StringComparison.Ordinal), Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("X-Signature-Ed25519", signature);
        request.Headers.Add("X-Signature-Timestamp", timestamp);

        using var response = await _http.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task A_signature_by_another_key_is_401()
    {
        using var stranger = new DiscordSigner();
        using var request = stranger.Request(Ping, _clock.GetUtcNow());

        using var response = await _http.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Missing_signature_headers_are_401()
    {
        using var response = await _http.PostAsync(new Uri("/api/discord/interactions", UriKind.Relative), new StringContent(Ping, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task A_stale_timestamp_is_401_even_with_a_valid_signature()
    {
        var signedAt = _clock.GetUtcNow();
        _clock.Advance(TimeSpan.FromMinutes(6));

        using var stale = await PostAsync(Ping, at: signedAt);
        using var fresh = await PostAsync(Ping);

        Assert.Equal(HttpStatusCode.Unauthorized, stale.StatusCode);
        Assert.Equal(HttpStatusCode.OK, fresh.StatusCode);
    }

    [Fact]
    public async Task A_signed_body_that_is_no_interaction_is_400()
    {
        using var response = await PostAsync("""{"hello":"world"}""");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task The_relay_registers_the_slash_command_with_its_token_only()
    {
        using var anonymous = await _http.PostAsync(new Uri("/api/relay/discord/commands", UriKind.Relative), null);
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/api/relay/discord/commands", UriKind.Relative));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", RelayToken);
        using var registered = await _http.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(HttpStatusCode.OK, registered.StatusCode);
        var body = JsonNode.Parse(await registered.Content.ReadAsStringAsync())!;
        Assert.Equal("777", (string?)body["application_id"]);
        Assert.Equal("claude", (string?)body["commands"]![0]);
        var call = Assert.Single(_discord.Calls);
        Assert.Equal(("PUT", "applications/777/commands"), (call.Method, call.Path));
    }
}

public class DiscordLogTests
{
    [Fact]
    public async Task The_bot_token_reaches_no_log_line_through_a_rate_limit_a_refusal_or_a_bad_signature()
    {
        const string Token = "MTA.log-tests.bot-token-never-logged";
        using var signer = new DiscordSigner();
        await using var discord = await FakeDiscordApi.StartAsync(Token);
        var lines = new List<string>();
        var settings = DiscordPayloads.AppSettings(signer, discord, Token, DiscordEndpointTests.RelayToken);
        settings["Logging:LogLevel:Default"] = "Trace";
        await using var app = await RunningFunctionsApp.StartAsync(settings, logLines: lines);
        using var http = app.CreateClient();
        discord.RateLimitOnce(retryAfterSeconds: 0.2);

        using (var register = new HttpRequestMessage(HttpMethod.Post, new Uri("/api/relay/discord/commands", UriKind.Relative)))
        {
            register.Headers.Authorization = new AuthenticationHeaderValue("Bearer", DiscordEndpointTests.RelayToken);
            Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(register)).StatusCode);
        }

        using var stranger = new DiscordSigner();
        using (var forged = stranger.Request("""{"id":"1","type":1}""", DateTimeOffset.UtcNow))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await http.SendAsync(forged)).StatusCode);
        }

        string[] logged;
        lock (lines)
        {
            logged = [.. lines];
        }

        Assert.Contains(logged, l => l.Contains("rate-limited", StringComparison.Ordinal));
        Assert.Contains(logged, l => l.Contains("Refused a Discord interaction", StringComparison.Ordinal));
        Assert.DoesNotContain(logged, l => l.Contains(Token, StringComparison.Ordinal));
    }
}

public class DiscordOffTests
{
    [Theory]
    [InlineData("/api/discord/interactions")]
    [InlineData("/api/relay/discord/commands")]
    public async Task Without_its_settings_every_discord_route_is_404_naming_them(string route)
    {
        await using var app = await RunningFunctionsApp.StartAsync();
        using var http = app.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(route, UriKind.Relative)) { Content = new StringContent("{}", Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "dev-relay-token");

        using var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("Discord:PublicKey, Discord:ApplicationId and Discord:BotToken", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}

public class DiscordRelayTokenTests
{
    [Fact]
    public async Task With_a_discord_application_the_development_relay_token_is_refused_even_locally()
    {
        var ex = await Assert.ThrowsAsync<Microsoft.Extensions.Options.OptionsValidationException>(async () =>
        {
            await using var app = await RunningFunctionsApp.StartAsync(new Dictionary<string, string?>
            {
                ["Discord:PublicKey"] = new string('a', 64),
                ["Discord:ApplicationId"] = "777",
                ["Discord:BotToken"] = "MTA.bot",
            });
        });

        Assert.Contains("development relay token is not accepted", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Half_a_discord_configuration_stops_the_app_naming_the_settings()
    {
        var ex = await Assert.ThrowsAsync<Microsoft.Extensions.Options.OptionsValidationException>(async () =>
        {
            await using var app = await RunningFunctionsApp.StartAsync(new Dictionary<string, string?>
            {
                ["Discord:BotToken"] = "MTA.bot",
                ["Relay:Tokens:0:Secret"] = "the-owners-relay-token-0123",
                ["Relay:Tokens:0:Channels"] = "default",
            });
        });

        Assert.Contains("Discord:PublicKey, Discord:ApplicationId and Discord:BotToken", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("MTA.bot", ex.Message, StringComparison.Ordinal);
    }
}
