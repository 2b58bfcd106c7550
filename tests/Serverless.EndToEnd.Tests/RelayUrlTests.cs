using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using ModelContextProtocol.Protocol;
using Serverless.Testing;

namespace Serverless.EndToEnd.Tests;

/// <summary>The relay's URL as users get it wrong, with each answer as the user reads it on stderr.</summary>
public sealed class RelayUrlTests(LocalDefaultApp local) : IClassFixture<LocalDefaultApp>
{
    [Theory]
    [InlineData("events")]
    [InlineData(null)]
    public async Task Plain_http_to_another_machine_is_refused_before_anything_is_sent_with_the_https_url_to_use(string? subcommand)
    {
        var (exitCode, stdout, stderr) = await RunAsync([.. subcommand is null ? Array.Empty<string>() : [subcommand], "--url", "http://app.example.invalid"]);

        Assert.Equal(2, exitCode);
        Assert.Equal(
            $"relay{(subcommand is null ? string.Empty : " " + subcommand)}: --url 'http://app.example.invalid' is plain http to another machine: the relay token, the events and the permission answers would cross the network unencrypted, and anyone on the way could answer for the function app. Use https (https://app.example.invalid/); plain http is only for localhost, 127.0.0.0/8 and ::1.",
            stderr.Trim());
        Assert.Equal(string.Empty, stdout);
    }

    [Fact]
    public async Task A_url_ending_in_api_is_refused_with_the_url_to_use()
    {
        var url = new Uri(local.BaseUrl, "api");

        var (exitCode, _, stderr) = await RunAsync("events", "--url", url.ToString());

        Assert.Equal(2, exitCode);
        Assert.Equal($"relay events: --url '{url}' ends in /api, but the relay adds /api/relay/... itself: drop the /api and use {local.BaseUrl}", stderr.Trim());
    }

    [Fact]
    public async Task Https_to_the_apps_plain_http_port_says_to_use_http()
    {
        var https = new UriBuilder(local.BaseUrl) { Scheme = "https" }.Uri;

        var (exitCode, _, stderr) = await RunAsync("events", "--url", https.ToString());

        Assert.Equal(1, exitCode);
        Assert.Equal($"relay events: cannot reach the function app at {https} (history): the app at {https} speaks plain http, not https; use {local.BaseUrl}", stderr.Trim());
    }

    [Fact]
    public async Task Plain_http_to_an_https_port_says_to_use_https()
    {
        await using var tls = await TlsServer.StartAsync();
        var http = new UriBuilder(tls.BaseUrl) { Scheme = "http" }.Uri;

        var (exitCode, _, stderr) = await RunAsync("events", "--url", http.ToString());

        Assert.Equal(1, exitCode);
        Assert.Equal($"relay events: cannot reach the function app at {http} (history): the app at {http} speaks https, not plain http; use {tls.BaseUrl}", stderr.Trim());
    }

    [Fact]
    public async Task A_negotiate_answer_with_plain_ws_to_another_machine_is_refused_and_get_status_says_why_delivery_waits()
    {
        // An app (or a man in the middle of a loopback proxy) that hands out a plain ws:// URL to another host.
        await using var app = await FakeApp.StartAsync("ws://relay.invalid/client/hubs/relay?access_token=stolen-access");
        await using var relay = await RelayProcess.StartAsync(app.BaseUrl, "ops", "dev-relay-token");

        Assert.True(
            await RelayProcess.EventuallyAsync(() => relay.Stderr.Contains("answered negotiate with a plain ws:// url to another machine", StringComparison.Ordinal), TimeSpan.FromSeconds(30)),
            relay.Stderr);
        Assert.Contains(
            $"{app.BaseUrl} answered negotiate with a plain ws:// url to another machine (ws://relay.invalid/client/hubs/relay); refusing it: the WebSocket must use wss (wss://relay.invalid/client/hubs/relay), plain ws is only for localhost, 127.0.0.0/8 and ::1.",
            relay.Stderr,
            StringComparison.Ordinal);
        Assert.DoesNotContain("stolen-access", relay.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("WebSocket connection to", relay.Stderr, StringComparison.Ordinal);

        var status = string.Join('\n', (await relay.Client.CallToolAsync("get_status")).Content.OfType<TextContentBlock>().Select(c => c.Text));
        Assert.Contains($"channel delivery: waiting: cannot reach the function app ({app.BaseUrl} answered negotiate with a plain ws:// url to another machine", status, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Help_and_version_go_to_stdout_with_exit_0_and_name_every_chat_service()
    {
        var help = await RunAsync("--help");
        Assert.Equal((0, string.Empty), (help.ExitCode, help.Stderr));
        Assert.Contains("Usage:", help.Stdout, StringComparison.Ordinal);
        Assert.Contains("Approves a pairing code from Telegram, Slack or Discord", help.Stdout, StringComparison.Ordinal);

        var pair = await RunAsync("pair", "--help");
        Assert.Equal(0, pair.ExitCode);
        Assert.Contains("The code the bot (Telegram, Slack or Discord) sent", pair.Stdout, StringComparison.Ordinal);

        var version = await RunAsync("--version");
        Assert.Equal((0, string.Empty), (version.ExitCode, version.Stderr));
        Assert.Matches(@"^\d+\.\d+\.\d+", version.Stdout);

        // A parse error stays off stdout: it may be Claude Code reading it.
        var wrong = await RunAsync("--no-such-option");
        Assert.Equal(1, wrong.ExitCode);
        Assert.Equal(string.Empty, wrong.Stdout);
        Assert.Contains("--no-such-option", wrong.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_user_with_no_chat_service_hears_nothing_about_permission_relay()
    {
        await using var relay = await RelayProcess.StartAsync(local.BaseUrl, "no-chat", "dev-relay-token");
        await WebhookToChannelTests.WaitUntilConnectedAsync(relay);

        Assert.DoesNotContain("permission relay", relay.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("Telegram", relay.Stderr, StringComparison.Ordinal);
    }

    private static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(params string[] arguments)
    {
        var start = RelayProcess.StartInfo("dev-relay-token", arguments);
        using var process = Process.Start(start)!;
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout, await stderr);
    }

    /// <summary>An https server on 127.0.0.1 with a self-signed certificate: where a relay told http would knock.</summary>
    private sealed class TlsServer(WebApplication app, Uri baseUrl) : IAsyncDisposable
    {
        public Uri BaseUrl { get; } = baseUrl;

        public static async Task<TlsServer> StartAsync()
        {
            using var key = RSA.Create(2048);
            var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            using var created = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddHours(1));
            var certificate = X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pkcs12), null);
            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, o => o.UseHttps(certificate)));
            var app = builder.Build();
            app.MapGet("/{**path}", () => Results.Ok());
            await app.StartAsync();
            return new TlsServer(app, new Uri(app.Urls.First().Replace("[::]", "127.0.0.1", StringComparison.Ordinal)));
        }

        public async ValueTask DisposeAsync() => await app.DisposeAsync();
    }

    /// <summary>
    /// The relay API as far as a relay's start needs it (capabilities, negotiate, an empty backlog), with a negotiate
    /// answer of the test's choosing; every other route is a 404, as the real app would answer a path it lacks.
    /// </summary>
    private sealed class FakeApp(WebApplication app, Uri baseUrl) : IAsyncDisposable
    {
        public Uri BaseUrl { get; } = baseUrl;

        public static async Task<FakeApp> StartAsync(string webSocketUrl)
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
            var app = builder.Build();
            // As strict as the app about the relay token.
            app.Use(async (context, next) =>
            {
                if (context.Request.Headers.Authorization != "Bearer dev-relay-token")
                {
                    context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                    return;
                }

                await next(context);
            });
            app.MapGet("/api/relay/capabilities", () => Results.Text("""{"telegram":false,"permission_relay":false,"transports":[]}""", "application/json"));
            app.MapPost("/api/relay/negotiate", () => Results.Text($$"""{"url":"{{webSocketUrl}}","channel":"ops","expires_on":"2030-01-01T00:00:00Z"}""", "application/json"));
            app.MapPost("/api/relay/backlog", () => Results.Text("""{"events":[],"dead_lettered":[]}""", "application/json"));
            await app.StartAsync();
            return new FakeApp(app, new Uri(app.Urls.First()));
        }

        public async ValueTask DisposeAsync() => await app.DisposeAsync();
    }
}
