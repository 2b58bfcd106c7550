using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Serverless.Testing;

/// <summary>
/// A stand-in for Discord's REST API v10 on 127.0.0.1: records every call (method, path with the emoji
/// decoded, JSON body) and answers as Discord does: message objects with string snowflake ids, 204 for a
/// reaction, 401 for a wrong bot token, 400 for content over 2,000 characters, and a 429 with
/// <c>retry_after</c> when told to.
/// </summary>
public sealed class FakeDiscordApi : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<DiscordCall> _calls = new();
    private readonly ConcurrentQueue<(string Channel, string Id)> _created = new();
    private long _nextId = 1_300_000_000_000_000_000;
    private int _rateLimited;
    private double _retryAfter;

    private FakeDiscordApi(WebApplication app) => _app = app;

    /// <summary>The API's base, as <c>Discord:ApiBaseUrl</c> takes it (<c>http://127.0.0.1:PORT/api/v10/</c>).</summary>
    public Uri BaseUrl { get; private set; } = null!;

    public IReadOnlyList<DiscordCall> Calls => [.. _calls];

    /// <summary>The bodies of the messages created in this channel.</summary>
    public IReadOnlyList<JsonObject> Messages(string channelId) =>
        [.. _calls.Where(c => c.Method == "POST" && c.Path == $"channels/{channelId}/messages").Select(c => (JsonObject)c.Body!)];

    /// <summary>The ids of the messages created in this channel, in order.</summary>
    public IReadOnlyList<string> MessageIds(string channelId) => [.. _created.Where(m => m.Channel == channelId).Select(m => m.Id)];

    /// <summary>The channel id the fake gives a user's direct messages.</summary>
    public static string DirectChannelOf(string userId) => "9" + userId;

    public static async Task<FakeDiscordApi> StartAsync(string botToken)
    {
        var builder = WebApplication.CreateSlimBuilder(["--urls", "http://127.0.0.1:0"]);
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var fake = new FakeDiscordApi(app);
        app.Map("/api/v10/{**path}", async (string path, HttpContext context) =>
        {
            var request = context.Request;
            if (request.Headers.Authorization.ToString() != "Bot " + botToken)
            {
                return Results.Json(new JsonObject { ["message"] = "401: Unauthorized", ["code"] = 0 }, statusCode: 401);
            }

            var body = request.ContentLength > 0 || request.Headers.TransferEncoding.Count > 0
                ? await JsonNode.ParseAsync(request.Body)
                : null;
            var call = new DiscordCall(request.Method, Uri.UnescapeDataString(path), body, request.Headers.UserAgent.ToString());
            fake._calls.Enqueue(call);
            if (Interlocked.CompareExchange(ref fake._rateLimited, 0, 1) == 1)
            {
                context.Response.Headers.RetryAfter = Math.Ceiling(fake._retryAfter).ToString(System.Globalization.CultureInfo.InvariantCulture);
                return Results.Json(new JsonObject { ["message"] = "You are being rate limited.", ["retry_after"] = fake._retryAfter, ["global"] = false, ["code"] = 0 }, statusCode: 429);
            }

            return fake.Answer(call);
        });
        await app.StartAsync();
        fake.BaseUrl = new Uri(new Uri(app.Urls.First()), "/api/v10/");
        return fake;
    }

    private IResult Answer(DiscordCall call)
    {
        var parts = call.Path.Split('/');
        switch (call.Method, parts)
        {
            case ("POST", ["users", "@me", "channels"]):
                var recipient = (string?)call.Body?["recipient_id"] ?? "0";
                return Results.Json(new JsonObject { ["id"] = DirectChannelOf(recipient), ["type"] = 1 });
            case ("POST", ["channels", var channel, "messages"]):
                if (((string?)call.Body?["content"])?.Length > 2000)
                {
                    return Results.Json(new JsonObject
                    {
                        ["message"] = "Invalid Form Body",
                        ["code"] = 50035,
                        ["errors"] = new JsonObject { ["content"] = new JsonObject { ["_errors"] = new JsonArray(new JsonObject { ["code"] = "BASE_TYPE_MAX_LENGTH", ["message"] = "Must be 2000 or fewer in length." }) } },
                    }, statusCode: 400);
                }

                var id = Interlocked.Increment(ref _nextId).ToString(System.Globalization.CultureInfo.InvariantCulture);
                _created.Enqueue((channel, id));
                return Results.Json(Message(channel, id, call.Body));
            case ("PATCH", ["channels", var channel, "messages", var message]):
                return Results.Json(Message(channel, message, call.Body));
            case ("PUT", ["channels", _, "messages", _, "reactions", _, "@me"]):
                return Results.NoContent();
            case ("PUT", ["applications", var application, "commands"]):
                var commands = new JsonArray();
                foreach (var command in call.Body as JsonArray ?? [])
                {
                    var registered = (JsonObject)command!.DeepClone();
                    registered["id"] = Interlocked.Increment(ref _nextId).ToString(System.Globalization.CultureInfo.InvariantCulture);
                    registered["application_id"] = application;
                    registered["version"] = "1";
                    commands.Add(registered);
                }

                return Results.Json(commands);
            default:
                return Results.Json(new JsonObject { ["message"] = "404: Not Found", ["code"] = 0 }, statusCode: 404);
        }
    }

    private static JsonObject Message(string channel, string id, JsonNode? body) => new()
    {
        ["id"] = id,
        ["channel_id"] = channel,
        ["type"] = 0,
        ["content"] = body?["content"]?.DeepClone(),
        ["author"] = new JsonObject { ["id"] = "1000", ["username"] = "claude-bot", ["bot"] = true },
        ["components"] = body?["components"]?.DeepClone() ?? new JsonArray(),
    };

    /// <summary>The next call gets 429 with this <c>retry_after</c> (seconds, a float, as Discord sends it).</summary>
    public void RateLimitOnce(double retryAfterSeconds = 1.5)
    {
        _retryAfter = retryAfterSeconds;
        Volatile.Write(ref _rateLimited, 1);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

/// <summary>One call the fake received: <c>POST</c>, <c>channels/1/messages</c>, its JSON body and User-Agent.</summary>
public sealed record DiscordCall(string Method, string Path, JsonNode? Body, string UserAgent);
