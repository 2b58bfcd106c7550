using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using Serverless.Functions.Chat;

namespace Serverless.Functions.Chat.Discord;

/// <summary>
/// The REST API calls this app makes with the bot token (v10). The token goes in the Authorization header,
/// never in a URL; a 429 is waited out for its <c>retry_after</c> (capped) and retried; any other failure is a
/// <see cref="ChatApiException"/> with Discord's own message.
/// </summary>
public sealed partial class DiscordApi(HttpClient http, IOptions<DiscordOptions> options, TimeProvider timeProvider, ILogger<DiscordApi> logger)
{
    private const int MaxAttempts = 4;

    /// <summary>Longer waits fail the call instead: the relay that asked waits 15 s for the whole answer.</summary>
    public static readonly TimeSpan MaxRetryAfter = TimeSpan.FromSeconds(10);

    // Discord asks every HTTP client to name itself this way (a comment after the product, which the typed header refuses).
    private const string UserAgent = "DiscordBot (https://github.com/serverless-channels, 1.0)";

    /// <summary>Posts a message; mentions in it ping nobody, whatever the text says.</summary>
    public async Task<string> CreateMessageAsync(string channelId, string content, string? replyTo, JsonArray? components, CancellationToken cancellationToken)
    {
        var body = new JsonObject
        {
            ["content"] = content,
            ["allowed_mentions"] = new JsonObject { ["parse"] = new JsonArray() },
        };
        if (replyTo is not null)
        {
            // A reply to a message that is gone still goes, as a plain message.
            body["message_reference"] = new JsonObject { ["message_id"] = replyTo, ["fail_if_not_exists"] = false };
        }

        if (components is not null)
        {
            body["components"] = components;
        }

        var message = await CallAsync(HttpMethod.Post, $"channels/{channelId}/messages", body, "create message", cancellationToken);
        return Sources.Json.Text(message, "id") ?? throw new ChatApiException("Discord create message answered without a message id.");
    }

    /// <summary>The channel of the bot's direct messages with this user (Discord creates it once and returns the same one after).</summary>
    public async Task<string> OpenDirectMessageAsync(string userId, CancellationToken cancellationToken)
    {
        var channel = await CallAsync(HttpMethod.Post, "users/@me/channels", new JsonObject { ["recipient_id"] = userId }, "open direct message", cancellationToken);
        return Sources.Json.Text(channel, "id") ?? throw new ChatApiException("Discord open direct message answered without a channel id.");
    }

    /// <summary>Replaces a message's content and removes its buttons.</summary>
    public Task EditMessageAsync(string channelId, string messageId, string content, CancellationToken cancellationToken) =>
        CallAsync(HttpMethod.Patch, $"channels/{channelId}/messages/{messageId}", new JsonObject
        {
            ["content"] = content,
            ["components"] = new JsonArray(),
            ["allowed_mentions"] = new JsonObject { ["parse"] = new JsonArray() },
        }, "edit message", cancellationToken);

    /// <summary>The bot's reaction: a Unicode emoji, or a custom one as <c>name:id</c>.</summary>
    public Task AddReactionAsync(string channelId, string messageId, string emoji, CancellationToken cancellationToken) =>
        CallAsync(HttpMethod.Put, $"channels/{channelId}/messages/{messageId}/reactions/{Uri.EscapeDataString(emoji)}/@me", null, "add reaction", cancellationToken);

    /// <summary>Replaces the application's global commands with these (idempotent); returns the commands Discord now has.</summary>
    public async Task<JsonArray> OverwriteGlobalCommandsAsync(JsonArray commands, CancellationToken cancellationToken) =>
        await CallAsync(HttpMethod.Put, $"applications/{options.Value.ApplicationId}/commands", commands, "register commands", cancellationToken) as JsonArray
        ?? throw new ChatApiException("Discord register commands answered without the list of commands.");

    private async Task<JsonNode?> CallAsync(HttpMethod method, string path, JsonNode? body, string operation, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var baseUrl = settings.ApiBaseUrl.AbsoluteUri.EndsWith('/') ? settings.ApiBaseUrl : new Uri(settings.ApiBaseUrl.AbsoluteUri + "/");
        var url = new Uri(baseUrl, path);
        for (var attempt = 1; ; attempt++)
        {
            using var request = new HttpRequestMessage(method, url);
            request.Headers.Authorization = new AuthenticationHeaderValue("Bot", settings.BotToken);
            request.Headers.TryAddWithoutValidation("User-Agent", UserAgent);
            if (body is not null)
            {
                request.Content = JsonContent.Create(body);
            }

            using var response = await http.SendAsync(request, cancellationToken);
            var answer = await ReadJsonAsync(response, cancellationToken);
            if (response.IsSuccessStatusCode)
            {
                return answer;
            }

            if (response.StatusCode == HttpStatusCode.TooManyRequests && attempt < MaxAttempts
                && RetryAfter(response, answer) is { } wait && wait <= MaxRetryAfter)
            {
                LogRateLimited(operation, wait.TotalSeconds, attempt);
                await Task.Delay(wait, timeProvider, cancellationToken);
                continue;
            }

            var message = Sources.Json.Text(answer, "message") ?? response.ReasonPhrase ?? "no message";
            var code = Sources.Json.Text(answer, "code") is { } c ? $" (code {c})" : string.Empty;
            throw new ChatApiException($"Discord {operation} failed: {(int)response.StatusCode} {message}{code}");
        }
    }

    /// <summary>The body's <c>retry_after</c> (seconds, with fractions), else the <c>Retry-After</c> header, else a second.</summary>
    private static TimeSpan? RetryAfter(HttpResponseMessage response, JsonNode? answer)
    {
        if (Sources.Json.Text(answer, "retry_after") is { } text
            && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds is >= 0 and < 86_400)
        {
            return TimeSpan.FromSeconds(seconds);
        }

        return response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(1);
    }

    private static async Task<JsonNode?> ReadJsonAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        // 204 (a reaction) has no body; a proxy's error page is not JSON: both read as nothing.
        return bytes.Length == 0 ? null : Sources.Json.Parse(bytes);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Discord rate-limited {Operation}; retrying in {Seconds} s (attempt {Attempt})")]
    private partial void LogRateLimited(string operation, double seconds, int attempt);
}
