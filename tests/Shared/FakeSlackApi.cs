using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Serverless.Testing;

/// <summary>
/// A stand-in for the Slack Web API on 127.0.0.1: records every call (method, headers, JSON or form body) and
/// answers as Slack does: HTTP 200 with <c>ok</c> true or false and an error code, 429 with Retry-After when
/// told to. It also takes the posts to interaction <c>response_url</c>s (<see cref="ResponseUrl"/>).
/// </summary>
public sealed class FakeSlackApi : IAsyncDisposable
{
    public const string BotUserId = "UBOT0001";

    private readonly WebApplication _app;
    private readonly string _token;
    private readonly ConcurrentQueue<SlackCall> _calls = new();
    private readonly ConcurrentDictionary<string, (int Count, int Seconds)> _rateLimits = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, bool> _reactions = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, TimeSpan> _delays = new(StringComparer.Ordinal);
    private long _nextTs = 100;

    // A few of Slack's reaction names; anything else is invalid_name, as a name Slack does not know would be.
    private static readonly HashSet<string> ReactionNames = new(StringComparer.Ordinal)
    {
        "eyes", "+1", "-1", "white_check_mark", "heavy_check_mark", "x", "tada", "heart", "fire", "pray", "ok_hand", "rocket", "thinking_face",
    };

    private FakeSlackApi(WebApplication app, string token)
    {
        _app = app;
        _token = token;
    }

    public Uri BaseUrl { get; private set; } = null!;

    /// <summary>What <c>Slack:ApiBaseUrl</c> is set to.</summary>
    public Uri ApiBaseUrl => new(BaseUrl, "api/");

    public IReadOnlyList<SlackCall> Calls => [.. _calls];

    /// <summary>The JSON bodies of the calls of one Web API method (or <c>response_url</c>).</summary>
    public IReadOnlyList<JsonObject> Sent(string method = "chat.postMessage") => [.. _calls.Where(c => c.Method == method).Select(c => c.Json!)];

    /// <summary>
    /// Whom a posted message would notify, read as Slack reads it: the manual forms (<c>&lt;!channel&gt;</c>,
    /// <c>&lt;!here&gt;</c>, <c>&lt;!everyone&gt;</c>, <c>&lt;!subteam^ID&gt;</c>, <c>&lt;@U…&gt;</c>) in the top-level
    /// text (mrkdwn unless <c>mrkdwn</c> is false) and in every mrkdwn text object; the bare words (<c>@channel</c>,
    /// <c>@here</c>, <c>@everyone</c>) in a mrkdwn text object that is not <c>verbatim</c> ("certain mentions will be
    /// automatically parsed"), and in the top-level text with <c>link_names</c> or <c>parse: full</c>. plain_text parses nothing.
    /// Stricter than Slack where Slack's documentation leaves it open: an entity such as <c>&amp;lt;</c> is never parsed.
    /// </summary>
    public static IReadOnlyList<string> MentionsIn(JsonObject message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var found = new List<string>();
        void Read(string? text, bool bareWords)
        {
            if (text is null)
            {
                return;
            }

            found.AddRange(System.Text.RegularExpressions.Regex.Matches(text, @"<(!channel|!here|!everyone|!subteam\^[A-Z0-9]+|@[UW][A-Z0-9]+)(\|[^>]*)?>").Select(m => m.Groups[1].Value));
            if (bareWords)
            {
                found.AddRange(System.Text.RegularExpressions.Regex.Matches(text, @"(?<![\w@])@(channel|here|everyone)\b", System.Text.RegularExpressions.RegexOptions.IgnoreCase).Select(m => "!" + m.Groups[1].Value.ToLowerInvariant()));
            }
        }

        if (message["mrkdwn"]?.GetValue<bool>() is not false)
        {
            Read((string?)message["text"], message["link_names"]?.GetValue<bool>() is true || (string?)message["parse"] == "full");
        }

        foreach (var block in message["blocks"]?.AsArray() ?? [])
        {
            foreach (var text in new[] { block?["text"] }.Concat(block?["fields"]?.AsArray() ?? []))
            {
                if ((string?)text?["type"] == "mrkdwn")
                {
                    Read((string?)text!["text"], text["verbatim"]?.GetValue<bool>() is not true);
                }
            }
        }

        return found;
    }

    /// <summary>A response_url as Slack would give it, on this fake's host.</summary>
    public Uri ResponseUrl(string id = "1") => new(BaseUrl, $"actions/T0001/{id}/secretpart");

    public static async Task<FakeSlackApi> StartAsync(string token)
    {
        var builder = WebApplication.CreateSlimBuilder(["--urls", "http://127.0.0.1:0"]);
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var fake = new FakeSlackApi(app, token);
        app.MapPost("/api/{method}", fake.WebApiAsync);
        app.MapPost("/actions/{team}/{id}/{secret}", async (HttpContext context) =>
        {
            var body = (JsonObject?)await JsonNode.ParseAsync(context.Request.Body) ?? [];
            fake._calls.Enqueue(new SlackCall("response_url", context.Request.Path, Headers(context.Request), body, null));
            return Results.Json(new JsonObject { ["ok"] = true });
        });
        await app.StartAsync();
        fake.BaseUrl = new Uri(app.Urls.First() + "/");
        return fake;
    }

    /// <summary>
    /// The function app's settings for a Slack app that talks to this fake: <paramref name="owner"/> allowed
    /// everywhere, channel <c>C0TEAM01</c> allowed, and a relay token for channel <c>default</c>.
    /// </summary>
    public Dictionary<string, string?> AppSettings(string signingSecret, string relayToken, string owner) => new()
    {
        ["Slack:SigningSecret"] = signingSecret,
        ["Slack:BotToken"] = _token,
        ["Slack:ApiBaseUrl"] = ApiBaseUrl.ToString(),
        ["Slack:AllowedUsers:0"] = owner,
        ["Slack:AllowedChannels:0"] = "C0TEAM01",
        // With a chat bot configured the public development relay token is refused, even locally.
        ["Relay:Tokens:0:Secret"] = relayToken,
        ["Relay:Tokens:0:Channels"] = "default",
    };

    /// <summary>The next <paramref name="count"/> calls of <paramref name="method"/> get 429 with <c>Retry-After: seconds</c>.</summary>
    public void RateLimit(string method, int count = 1, int seconds = 1) => _rateLimits[method] = (count, seconds);

    /// <summary>Calls of <paramref name="method"/> answer only after <paramref name="delay"/>, as a slow Slack would.</summary>
    public void Delay(string method, TimeSpan delay) => _delays[method] = delay;

    /// <summary>Waits (generously) until <paramref name="count"/> calls of <paramref name="method"/> arrived.</summary>
    public async Task<IReadOnlyList<JsonObject>> WaitForAsync(string method, int count = 1, TimeSpan? timeout = null)
    {
        var until = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(20));
        while (Sent(method).Count < count)
        {
            if (DateTime.UtcNow > until)
            {
                throw new TimeoutException($"Slack got {Sent(method).Count} {method} call(s), not {count}.");
            }

            await Task.Delay(50);
        }

        return Sent(method);
    }

    private async Task<IResult> WebApiAsync(string method, HttpContext context)
    {
        var request = context.Request;
        JsonObject? json = null;
        Dictionary<string, string>? form = null;
        if (request.HasFormContentType)
        {
            form = (await request.ReadFormAsync()).ToDictionary(f => f.Key, f => f.Value.ToString(), StringComparer.Ordinal);
        }
        else if (request.ContentLength is > 0 || request.Headers.TransferEncoding.Count > 0)
        {
            json = (JsonObject?)await JsonNode.ParseAsync(request.Body);
        }

        _calls.Enqueue(new SlackCall(method, request.Path, Headers(request), json ?? [], form));
        if (_delays.TryGetValue(method, out var delay))
        {
            await Task.Delay(delay);
        }

        if (request.Headers.Authorization.ToString() != $"Bearer {_token}")
        {
            return Refuse(request.Headers.Authorization.Count == 0 ? "not_authed" : "invalid_auth");
        }

        if (_rateLimits.TryGetValue(method, out var limit) && limit.Count > 0)
        {
            _rateLimits[method] = (limit.Count - 1, limit.Seconds);
            context.Response.Headers.RetryAfter = limit.Seconds.ToString(CultureInfo.InvariantCulture);
            return Results.Json(new JsonObject { ["ok"] = false, ["error"] = "ratelimited" }, statusCode: 429);
        }

        json ??= [];
        var channel = (string?)json["channel"];
        switch (method)
        {
            case "auth.test":
                return Results.Json(new JsonObject { ["ok"] = true, ["user_id"] = BotUserId, ["bot_id"] = "B0001", ["team_id"] = "T0001" });
            case "chat.postMessage" or "chat.update":
                if (string.IsNullOrEmpty(channel) || channel.StartsWith("CGONE", StringComparison.Ordinal))
                {
                    return Refuse("channel_not_found");
                }

                if (((string?)json["text"])?.Length > 40_000)
                {
                    return Refuse("msg_too_long");
                }

                if (json["blocks"] is JsonArray blocks && BlocksRefusal(blocks) is { } refusal)
                {
                    return Results.Json(new JsonObject
                    {
                        ["ok"] = false,
                        ["error"] = "invalid_blocks",
                        ["response_metadata"] = new JsonObject { ["messages"] = new JsonArray(refusal) },
                    });
                }

                // Posted to a user's id, Slack answers with their direct conversation's id (the fake: D + the user id).
                channel = channel.StartsWith('U') ? "D" + channel : channel;
                var ts = method == "chat.update"
                    ? (string?)json["ts"]
                    : $"1700000000.{Interlocked.Increment(ref _nextTs).ToString("D6", CultureInfo.InvariantCulture)}";
                return Results.Json(new JsonObject
                {
                    ["ok"] = true,
                    ["channel"] = channel,
                    ["ts"] = ts,
                    ["message"] = new JsonObject { ["text"] = json["text"]?.DeepClone(), ["ts"] = ts },
                });
            case "reactions.add":
                var name = (string?)json["name"];
                if (name is null || !ReactionNames.Contains(name))
                {
                    return Refuse("invalid_name");
                }

                return _reactions.TryAdd($"{channel}/{json["timestamp"]}/{name}", true) ? Results.Json(new JsonObject { ["ok"] = true }) : Refuse("already_reacted");
            default:
                return Refuse("unknown_method");
        }
    }

    /// <summary>What real Slack refuses in blocks: a section's text over 3,000 characters, more than 50 blocks, an unknown text type.</summary>
    private static string? BlocksRefusal(JsonArray blocks)
    {
        if (blocks.Count > 50)
        {
            return "[ERROR] no more than 50 items allowed [json-pointer:/blocks]";
        }

        foreach (var block in blocks)
        {
            var type = (string?)block?["type"];
            if (type == "section" && ((string?)block!["text"]?["type"] is not ("mrkdwn" or "plain_text") || ((string?)block["text"]?["text"])?.Length is null or 0 or > 3000))
            {
                return "[ERROR] must be less than 3001 characters [json-pointer:/blocks/0/text]";
            }

            if (type == "actions" && block!["elements"] is not JsonArray { Count: > 0 and <= 25 })
            {
                return "[ERROR] actions need 1 to 25 elements";
            }
        }

        return null;
    }

    private static IResult Refuse(string error) => Results.Json(new JsonObject { ["ok"] = false, ["error"] = error });

    private static Dictionary<string, string> Headers(HttpRequest request) =>
        request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

/// <summary>One call the fake received: the method (or <c>response_url</c>), its path, headers and body.</summary>
public sealed record SlackCall(string Method, string Path, IReadOnlyDictionary<string, string> Headers, JsonObject? Json, IReadOnlyDictionary<string, string>? Form);
