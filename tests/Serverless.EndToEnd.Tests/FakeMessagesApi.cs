using System.Collections.Concurrent;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Serverless.EndToEnd.Tests;

/// <summary>
/// A stand-in for Anthropic's Messages API on 127.0.0.1, so a real Claude Code session runs with no
/// network: every request body is kept, and each answer is a one-word streamed reply ("ok").
/// </summary>
public sealed class FakeMessagesApi : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<string> _requests = new();

    private FakeMessagesApi(WebApplication app) => _app = app;

    public Uri BaseUrl => new(_app.Urls.First());

    /// <summary>The bodies of the Messages requests Claude Code sent, in order.</summary>
    public IReadOnlyList<string> Requests => [.. _requests];

    public static async Task<FakeMessagesApi> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var api = new FakeMessagesApi(app);
        app.MapPost("/v1/messages/count_tokens", () => Results.Json(new JsonObject { ["input_tokens"] = 10 }));
        app.MapPost("/v1/messages", async (HttpContext context) =>
        {
            using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
            var body = await reader.ReadToEndAsync(context.RequestAborted);
            api._requests.Enqueue(body);
            var model = (string?)JsonNode.Parse(body)?["model"] ?? "claude";
            context.Response.ContentType = "text/event-stream";
            await context.Response.WriteAsync(Stream(model), context.RequestAborted);
        });
        app.MapFallback(() => Results.Json(new JsonObject()));
        await app.StartAsync();
        return api;
    }

    private static string Stream(string model)
    {
        var events = new (string Name, JsonObject Data)[]
        {
            ("message_start", new JsonObject
            {
                ["type"] = "message_start",
                ["message"] = new JsonObject
                {
                    ["id"] = "msg_fake", ["type"] = "message", ["role"] = "assistant", ["model"] = model,
                    ["content"] = new JsonArray(), ["stop_reason"] = null, ["stop_sequence"] = null,
                    ["usage"] = new JsonObject { ["input_tokens"] = 1, ["output_tokens"] = 1 },
                },
            }),
            ("content_block_start", new JsonObject { ["type"] = "content_block_start", ["index"] = 0, ["content_block"] = new JsonObject { ["type"] = "text", ["text"] = string.Empty } }),
            ("content_block_delta", new JsonObject { ["type"] = "content_block_delta", ["index"] = 0, ["delta"] = new JsonObject { ["type"] = "text_delta", ["text"] = "ok" } }),
            ("content_block_stop", new JsonObject { ["type"] = "content_block_stop", ["index"] = 0 }),
            ("message_delta", new JsonObject { ["type"] = "message_delta", ["delta"] = new JsonObject { ["stop_reason"] = "end_turn", ["stop_sequence"] = null }, ["usage"] = new JsonObject { ["output_tokens"] = 1 } }),
            ("message_stop", new JsonObject { ["type"] = "message_stop" }),
        };
        return string.Concat(events.Select(e => $"event: {e.Name}\ndata: {e.Data.ToJsonString()}\n\n"));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
