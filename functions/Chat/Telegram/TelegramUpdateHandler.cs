using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using Serverless.Functions.Chat;
using Serverless.Functions.Sources;

namespace Serverless.Functions.Chat.Telegram;

/// <summary>
/// One Telegram update, read into what every chat transport hands to <see cref="ChatConversation"/>: a
/// message (private or in a group, with its attachments and what it answers) or a button press, whose
/// answer Telegram shows as a toast.
/// </summary>
public sealed class TelegramUpdateHandler(
    IOptions<TelegramOptions> options,
    TelegramChatTransport transport,
    TelegramBotApi bot,
    ChatConversation conversation)
{
    /// <summary>Handles the update; returns a short description of what was done, for the HTTP answer.</summary>
    /// <exception cref="Inbox.InboxUnavailableException">A message could not be stored; Telegram should retry.</exception>
    public async Task<string> HandleAsync(JsonNode update, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(update);
        if (options.Value.Policy == ChatPolicy.Disabled)
        {
            return "ignored: Telegram access is disabled";
        }

        if (update["callback_query"] is JsonObject callback)
        {
            return await CallbackAsync(callback, cancellationToken);
        }

        if (update["message"] is not JsonObject message)
        {
            return "ignored: not a message";
        }

        var chatType = Json.Text(message, "chat.type");
        var chatId = Json.WholeNumber(message, "chat.id");
        var userId = Json.WholeNumber(message, "from.id");
        if (chatId is null || userId is null || Json.IsTrue(message, "from.is_bot"))
        {
            return "ignored: no human sender";
        }

        if (chatType is not ("private" or "group" or "supergroup"))
        {
            return "ignored: group message not for the bot";
        }

        var reply = message["reply_to_message"] as JsonObject;
        var inbound = new ChatInboundMessage
        {
            UserId = Text(userId.Value),
            UserName = Json.Text(message, "from.username") is { Length: > 0 } username ? username : Text(userId.Value),
            ChatReference = Text(chatId.Value),
            Kind = chatType == "private" ? ChatKind.Private : ChatKind.Group,
            Text = Json.Text(message, "text") ?? Json.Text(message, "caption") ?? string.Empty,
            MessageId = Json.Text(message, "message_id"),
            AddressedToBot = MentionsBot(message),
            ReplyTo = Json.Text(reply, "message_id"),
            Quoted = Json.Text(reply, "text"),
            Attachments = Attachments(message),
            Data = message,
            DeliveryId = $"message:{chatId}:{Json.Text(message, "message_id")}",
        };
        return await conversation.HandleMessageAsync(transport, inbound, cancellationToken);
    }

    private static List<string> Attachments(JsonObject message)
    {
        var lines = new List<string>();
        if (Json.Array(message, "photo") is { Count: > 0 } photo)
        {
            lines.Add($"[photo attached, file_id {Json.Text(photo[^1], "file_id")}]");
        }

        if (message["document"] is JsonObject document)
        {
            lines.Add($"[document attached: {Json.Text(document, "file_name")} ({Json.Text(document, "mime_type")}), file_id {Json.Text(document, "file_id")}]");
        }

        return lines;
    }

    private async Task<string> CallbackAsync(JsonObject callback, CancellationToken cancellationToken)
    {
        var id = Json.Text(callback, "id") ?? string.Empty;
        var userId = Json.WholeNumber(callback, "from.id");
        var data = Json.Text(callback, "data") ?? string.Empty;
        if (userId is null)
        {
            return "ignored: unknown callback";
        }

        var user = Text(userId.Value);
        var press = new ChatButtonPress(user, Json.Text(callback, "from.username") is { Length: > 0 } username ? username : user, data);
        var answer = await conversation.HandleButtonAsync(transport, press, cancellationToken);
        await bot.AnswerCallbackQueryAsync(id, answer.Text, answer.Alert, cancellationToken);
        return $"callback {data.Split(':')[0]}: {answer.Text}";
    }

    private bool MentionsBot(JsonObject message)
    {
        var bot = options.Value.BotUsername?.TrimStart('@');
        if (string.IsNullOrEmpty(bot))
        {
            return false;
        }

        return (Json.Text(message, "text") ?? Json.Text(message, "caption") ?? string.Empty).Contains($"@{bot}", StringComparison.OrdinalIgnoreCase)
            || string.Equals(Json.Text(message, "reply_to_message.from.username"), bot, StringComparison.OrdinalIgnoreCase);
    }

    private static string Text(long id) => id.ToString(CultureInfo.InvariantCulture);
}
