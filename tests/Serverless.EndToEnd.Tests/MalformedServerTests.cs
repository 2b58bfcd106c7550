using System.Net.WebSockets;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Serverless.EndToEnd.Tests;

/// <summary>
/// A relay pointed at a server that answers nonsense (a proxy's HTML page, wrong JSON types, an
/// http:// WebSocket URL, malformed and oversized frames) says so on stderr, retries, and keeps the
/// MCP session alive: the session is the user's, not the server's to end.
/// </summary>
[Collection(RunsAlone.Name)]
public sealed class MalformedServerTests
{
    private sealed class FakeFunctionApp(string negotiate, Func<WebSocket, Task>? frames = null, RequestDelegate? capabilities = null) : IAsyncDisposable
    {
        private WebApplication? _app;

        public Uri BaseUrl => new(_app!.Urls.First());

        public async Task StartAsync()
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Logging.ClearProviders();
            _app = builder.Build();
            _app.UseWebSockets();
            if (capabilities is null)
            {
                _app.MapGet("/api/relay/capabilities", () => Results.Text("""{"telegram":"yes","permission_relay":"yes"}""", "application/json"));
            }
            else
            {
                _app.MapGet("/api/relay/capabilities", capabilities);
            }

            _app.MapPost("/api/relay/backlog", () => Results.Text(
                """{"events":[{"type":"event","event":{"id":5},"receipt":3},[],"x"],"dead_lettered":[{"id":1,"attempts":"many"},7]}""", "application/json"));
            _app.MapPost("/api/relay/ack", () => Results.Text("[]", "application/json"));
            _app.MapPost("/api/relay/negotiate", (HttpContext context) => Results.Text(
                negotiate.Replace("{self}", $"ws://{context.Request.Host}/client", StringComparison.Ordinal),
                negotiate.StartsWith('<') ? "text/html" : "application/json"));
            _app.Map("/client", async (HttpContext context) =>
            {
                using var socket = await context.WebSockets.AcceptWebSocketAsync("json.reliable.webpubsub.azure.v1");
                await (frames ?? (_ => Task.CompletedTask))(socket);
                await Task.Delay(Timeout.Infinite, context.RequestAborted).ContinueWith(_ => { }, TaskScheduler.Default);
            });
            await _app.StartAsync();
        }

        public async ValueTask DisposeAsync()
        {
            if (_app is not null)
            {
                await _app.StopAsync();
                await _app.DisposeAsync();
            }
        }
    }

    private static async Task AssertAliveAfterAsync(RelayProcess relay, string expectedOnStderr)
    {
        Assert.True(
            await RelayProcess.EventuallyAsync(() => relay.Stderr.Contains(expectedOnStderr, StringComparison.Ordinal), TimeSpan.FromSeconds(20)),
            relay.Stderr);
        await Task.Delay(500);
        await relay.Client.PingAsync();
        var status = await relay.Client.CallToolAsync("get_status");
        Assert.NotEqual(true, status.IsError);
        Assert.DoesNotContain("Unhandled exception", relay.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("<html><body>502 Bad Gateway</body></html>", "not a JSON object")]
    [InlineData("[]", "not a JSON object")]
    // A field of the wrong type does not match the relay API's contract: the parser says where.
    [InlineData("""{"url":5}""", "not a JSON object of the relay API (The JSON value could not be converted to Serverless.Contracts.NegotiateResponse. Path: $.url")]
    [InlineData("""{"url":"http://127.0.0.1:9/client/hubs/channels"}""", "without a usable WebSocket url")]
    [InlineData("""{"url":"not a url"}""", "without a usable WebSocket url")]
    [InlineData("""{"url":"ws://127.0.0.1:9/a","url":"ws://127.0.0.1:9/b"}""", "not a JSON object")]
    public async Task A_negotiate_answer_that_is_not_a_websocket_url_is_reported_and_retried(string answer, string reported)
    {
        await using var server = new FakeFunctionApp(answer);
        await server.StartAsync();

        await using var relay = await RelayProcess.StartAsync(server.BaseUrl, "ops", "any-token-0123456789");

        await AssertAliveAfterAsync(relay, reported);
        Assert.Contains("Retrying in", relay.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_app_that_never_answers_the_capabilities_question_does_not_hold_up_the_handshake()
    {
        // The app accepts the connection and then says nothing: the relay asks it as it starts and gives the
        // initialize answer at most the rest of a one-second budget, without the permission capability.
        await using var server = new FakeFunctionApp(
            """{"url":"{self}"}""",
            capabilities: context => Task.Delay(Timeout.Infinite, context.RequestAborted).ContinueWith(_ => { }, TaskScheduler.Default));
        await server.StartAsync();

        await using var relay = await RelayProcess.StartAsync(server.BaseUrl, "ops", "any-token-0123456789");

        Assert.False(relay.Client.ServerCapabilities.Experimental?.ContainsKey("claude/channel/permission") ?? false);
        Assert.True(relay.Client.ServerCapabilities.Experimental?.ContainsKey("claude/channel") ?? false);
        // An app that never answers says nothing about permission relay (no chat service answered yes); the relay stays up.
        await AssertAliveAfterAsync(relay, "Relay starting for");
        Assert.DoesNotContain("permission relay", relay.Stderr, StringComparison.Ordinal);
    }

    private static readonly string[] WrongFrames =
    [
        """{"type":5}""",
        """{"type":"system","event":"connected","connectionId":7,"reconnectionToken":[]}""",
        """{"type":"message","sequenceId":-1,"dataType":5,"data":{"type":"event","event":{"id":5},"receipt":3}}""",
        """{"type":"message","sequenceId":"x","dataType":"text","data":"{not json"}""",
        "[1,2,3]",
    ];

    [Fact]
    public async Task Frames_of_the_wrong_shape_are_ignored_and_an_oversized_frame_drops_only_the_connection()
    {
        await using var server = new FakeFunctionApp("""{"url":"{self}"}""", async socket =>
        {
            foreach (var frame in WrongFrames)
            {
                await socket.SendAsync(Encoding.UTF8.GetBytes(frame), WebSocketMessageType.Text, true, CancellationToken.None);
            }

            var huge = new byte[3 * 1024 * 1024];
            Array.Fill(huge, (byte)' ');
            huge[0] = (byte)'{';
            huge[^1] = (byte)'}';
            await socket.SendAsync(huge, WebSocketMessageType.Text, true, CancellationToken.None);
        });
        await server.StartAsync();

        await using var relay = await RelayProcess.StartAsync(server.BaseUrl, "ops", "any-token-0123456789");

        await AssertAliveAfterAsync(relay, "larger than");
        Assert.Empty(relay.Notifications);
    }
}
