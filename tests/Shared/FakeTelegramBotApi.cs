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
    private readonly ConcurrentDictionary<long, bool> _blocked = new();

    // The emoji Telegram accepts as a reaction (ReactionTypeEmoji); anything else is REACTION_INVALID.
    private static readonly HashSet<string> ReactionEmoji = new(StringComparer.Ordinal)
    {
        "👍", "👎", "❤", "🔥", "🥰", "👏", "😁", "🤔", "🤯", "😱", "🤬", "😢", "🎉", "🤩", "🤮", "💩", "🙏", "👌", "🕊", "🤡",
        "🥱", "🥴", "😍", "🐳", "❤‍🔥", "🌚", "🌭", "💯", "🤣", "⚡", "🍌", "🏆", "💔", "🤨", "😐", "🍓", "🍾", "💋", "🖕", "😈",
        "😴", "😭", "🤓", "👻", "👨‍💻", "👀", "🎃", "🙈", "😇", "😨", "🤝", "✍", "🤗", "🫡", "🎅", "🎄", "☃", "💅", "🤪", "🗿",
        "🆒", "💘", "🙉", "🦄", "😘", "💊", "🙊", "😎", "👾", "🤷‍♂", "🤷", "🤷‍♀", "😡",
    };
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
            if (body["chat_id"] is JsonValue chat && chat.TryGetValue<long>(out var chatId) && fake._blocked.ContainsKey(chatId))
            {
                return Results.Json(new JsonObject { ["ok"] = false, ["error_code"] = 403, ["description"] = "Forbidden: bot can't initiate conversation with a user" }, statusCode: 403);
            }

            if (Refusal(method, body) is { } refusal)
            {
                return Results.Json(new JsonObject { ["ok"] = false, ["error_code"] = 400, ["description"] = refusal }, statusCode: 400);
            }

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

    /// <summary>
    /// What real Telegram refuses with 400: text over 4,096 characters, and MarkdownV2 with a reserved
    /// character that is not escaped. Only the characters that never open formatting are checked
    /// (. ! # + - = { } |), which is where real replies fail ("CI is green again.").
    /// </summary>
    private static string? Refusal(string method, JsonObject body)
    {
        if (method == "setMessageReaction")
        {
            var emoji = body["reaction"] is JsonArray reactions ? reactions.Select(r => (string?)r?["emoji"]).ToList() : [];
            return emoji.All(e => e is not null && ReactionEmoji.Contains(e)) ? null : "Bad Request: REACTION_INVALID";
        }

        if (method is not ("sendMessage" or "editMessageText") || body["text"] is not JsonValue value || !value.TryGetValue<string>(out var text))
        {
            return null;
        }

        if (text.Length > 4096)
        {
            return "Bad Request: message is too long";
        }

        if ((string?)body["parse_mode"] != "MarkdownV2")
        {
            return null;
        }

        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '\\')
            {
                i++;
                continue;
            }

            if (".!#+-={}|".Contains(text[i], StringComparison.Ordinal))
            {
                return $"Bad Request: can't parse entities: Character '{text[i]}' is reserved and must be escaped with the preceding '\\'";
            }
        }

        return null;
    }

    /// <summary>A chat whose user never started the bot (or blocked it): Telegram answers 403.</summary>
    public void Block(long chatId) => _blocked[chatId] = true;

    /// <summary>The next <paramref name="count"/> calls of <paramref name="method"/> get 429 with retry_after 1.</summary>
    public void RateLimit(string method, int count) => _failures[method] = count;

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
