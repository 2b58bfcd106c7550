using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Serverless.Testing;

/// <summary>
/// A stand-in for the Telegram Bot API on 127.0.0.1: records every call (method and JSON body) and
/// answers as Telegram would, or with a 429 when told to.
/// </summary>
public sealed class FakeTelegramBotApi : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<(string Method, JsonObject Body)> _calls = new();
    private readonly ConcurrentDictionary<string, int> _failures = new(StringComparer.Ordinal);
    private long _nextMessageId = 1000;

    private FakeTelegramBotApi(WebApplication app) => _app = app;

    public Uri BaseUrl { get; private set; } = null!;

    public IReadOnlyList<(string Method, JsonObject Body)> Calls => [.. _calls];

    public IReadOnlyList<JsonObject> Sent(string method = "sendMessage") => [.. _calls.Where(c => c.Method == method).Select(c => c.Body)];

    public static async Task<FakeTelegramBotApi> StartAsync(string token)
    {
        var builder = WebApplication.CreateSlimBuilder(["--urls", "http://127.0.0.1:0"]);
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var fake = new FakeTelegramBotApi(app);
        app.MapPost("/{bot}/{method}", async (string bot, string method, HttpContext context) =>
        {
            if (bot != "bot" + token)
            {
                return Results.Json(new JsonObject { ["ok"] = false, ["error_code"] = 401, ["description"] = "Unauthorized" }, statusCode: 401);
            }

            var body = (JsonObject?)await JsonNode.ParseAsync(context.Request.Body) ?? [];
            fake._calls.Enqueue((method, body));
            if (fake._failures.TryGetValue(method, out var left) && left > 0)
            {
                fake._failures[method] = left - 1;
                return Results.Json(new JsonObject
                {
                    ["ok"] = false,
                    ["error_code"] = 429,
                    ["description"] = "Too Many Requests: retry after 1",
                    ["parameters"] = new JsonObject { ["retry_after"] = 1 },
                }, statusCode: 429);
            }

            JsonNode result = method == "sendMessage"
                ? new JsonObject
                {
                    ["message_id"] = Interlocked.Increment(ref fake._nextMessageId),
                    ["chat"] = new JsonObject { ["id"] = body["chat_id"]?.DeepClone() },
                    ["text"] = body["text"]?.DeepClone(),
                }
                : JsonValue.Create(true);
            return Results.Json(new JsonObject { ["ok"] = true, ["result"] = result });
        });
        await app.StartAsync();
        fake.BaseUrl = new Uri(app.Urls.First());
        return fake;
    }

    /// <summary>The next <paramref name="count"/> calls of <paramref name="method"/> get 429 with retry_after 1.</summary>
    public void RateLimit(string method, int count) => _failures[method] = count;

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
