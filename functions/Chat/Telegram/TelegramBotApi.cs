using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Serverless.Functions.Chat.Telegram;

/// <summary>
/// The Bot API methods this app uses. The token is part of every URL, so no URL is ever logged;
/// a 429 is waited out for <c>retry_after</c> seconds and retried.
/// </summary>
public sealed partial class TelegramBotApi(HttpClient http, IOptions<TelegramOptions> options, TimeProvider timeProvider, ILogger<TelegramBotApi> logger)
{
    private const int MaxAttempts = 4;
    private static readonly TimeSpan MaxRetryAfter = TimeSpan.FromSeconds(30);

    public Task<JsonNode?> SendMessageAsync(long chatId, string text, string? parseMode, long? replyTo, JsonObject? replyMarkup, CancellationToken cancellationToken)
    {
        var body = new JsonObject { ["chat_id"] = chatId, ["text"] = text };
        if (parseMode is not null)
        {
            body["parse_mode"] = parseMode;
        }

        if (replyTo is { } messageId)
        {
            body["reply_parameters"] = new JsonObject { ["message_id"] = messageId, ["allow_sending_without_reply"] = true };
        }

        if (replyMarkup is not null)
        {
            // A copy: the caller sends the same keyboard to several chats, and a JSON node has one parent.
            body["reply_markup"] = replyMarkup.DeepClone();
        }

        return CallAsync("sendMessage", body, cancellationToken);
    }

    public Task<JsonNode?> EditMessageTextAsync(long chatId, long messageId, string text, CancellationToken cancellationToken) =>
        EditMessageTextAsync(chatId, messageId, text, null, cancellationToken);

    /// <summary>Replaces a message's text; a message edited without a keyboard loses its buttons.</summary>
    public Task<JsonNode?> EditMessageTextAsync(long chatId, long messageId, string text, string? parseMode, CancellationToken cancellationToken)
    {
        var body = new JsonObject { ["chat_id"] = chatId, ["message_id"] = messageId, ["text"] = text };
        if (parseMode is not null)
        {
            body["parse_mode"] = parseMode;
        }

        return CallAsync("editMessageText", body, cancellationToken);
    }

    public Task<JsonNode?> SetReactionAsync(long chatId, long messageId, string emoji, CancellationToken cancellationToken) =>
        CallAsync("setMessageReaction", new JsonObject
        {
            ["chat_id"] = chatId,
            ["message_id"] = messageId,
            ["reaction"] = new JsonArray(new JsonObject { ["type"] = "emoji", ["emoji"] = emoji }),
        }, cancellationToken);

    public Task<JsonNode?> AnswerCallbackQueryAsync(string callbackQueryId, string? text, bool showAlert, CancellationToken cancellationToken)
    {
        var body = new JsonObject { ["callback_query_id"] = callbackQueryId, ["show_alert"] = showAlert };
        if (text is not null)
        {
            body["text"] = text;
        }

        return CallAsync("answerCallbackQuery", body, cancellationToken);
    }

    private async Task<JsonNode?> CallAsync(string method, JsonObject body, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        // Not new Uri(base, relative): the token's colon would read as a URI scheme.
        var url = new Uri($"{settings.ApiBaseUrl.AbsoluteUri.TrimEnd('/')}/bot{settings.BotToken}/{method}");
        for (var attempt = 1; ; attempt++)
        {
            using var response = await http.PostAsJsonAsync(url, body, cancellationToken);
            JsonObject? answer;
            try
            {
                answer = await response.Content.ReadFromJsonAsync<JsonObject>(cancellationToken).ConfigureAwait(false);
            }
            catch (System.Text.Json.JsonException)
            {
                // Not the Bot API's JSON (a proxy's error page, an empty body): report the status.
                answer = null;
            }

            if (answer?["ok"]?.GetValue<bool>() == true)
            {
                return answer["result"];
            }

            var code = (int?)answer?["error_code"] ?? (int)response.StatusCode;
            var description = (string?)answer?["description"] ?? response.ReasonPhrase ?? "no description";
            if (code == 429 && attempt < MaxAttempts)
            {
                var retryAfter = TimeSpan.FromSeconds((int?)answer?["parameters"]?["retry_after"] ?? 1);
                retryAfter = retryAfter > MaxRetryAfter ? MaxRetryAfter : retryAfter;
                LogRateLimited(method, retryAfter.TotalSeconds, attempt);
                await Task.Delay(retryAfter, timeProvider, cancellationToken);
                continue;
            }

            var failure = new TelegramApiException($"Telegram {method} failed: {code} {description}") { ErrorCode = code };
            throw failure.IsEntityParseError ? new TelegramApiException(failure.Message) { ErrorCode = code, IsFormatError = true } : failure;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Telegram rate-limited {Method}; retrying in {Seconds} s (attempt {Attempt})")]
    private partial void LogRateLimited(string method, double seconds, int attempt);
}
