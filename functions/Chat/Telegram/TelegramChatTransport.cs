using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using Serverless.Functions.Chat;
using Serverless.Functions.Sources;

namespace Serverless.Functions.Chat.Telegram;

/// <summary>Telegram as a chat transport: chat references are its chat ids (numbers; groups are negative), and so are message ids.</summary>
public sealed class TelegramChatTransport(IOptions<TelegramOptions> options, TelegramBotApi bot) : IChatTransport
{
    public const string TransportName = ChatTransportNames.Telegram;

    public string Name => TransportName;

    public string DisplayName => "Telegram";

    public bool Enabled => options.Value.Enabled;

    public string EnablingSettings => "Telegram:BotToken";

    public int MaxMessageLength => MessageSplitter.MaxLength;

    public ChatPolicy Policy => options.Value.Policy;

    public string DefaultChannel => options.Value.DefaultChannel;

    public IReadOnlyCollection<string> ConfiguredUsers => [.. options.Value.AllowedUsers.Select(Text)];

    public string ReceiptEmoji => options.Value.ReceiptEmoji;

    // A private chat's id is its user's id.
    public string PrivateChatOf(string userId) => userId;

    public string? ConversationOf(string chatReference) =>
        long.TryParse(chatReference, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var chat) ? Text(chat) : null;

    public string? NotificationChat(string channel) =>
        options.Value.NotificationChats.TryGetValue(channel, out var chat) ? Text(chat) : null;

    public bool IsAllowedGroup(string conversation) =>
        long.TryParse(conversation, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var chat) && options.Value.AllowedGroups.Contains(chat);

    // Telegram gives private chats the user's (positive) id and groups negative ids.
    public bool WantsReceipt(string chatReference) => options.Value.Receipts switch
    {
        ChatReceipts.AllChats => true,
        ChatReceipts.PrivateChats => !chatReference.StartsWith('-'),
        _ => false,
    };

    public async Task<ChatMessageRef> SendAsync(ChatOutgoingMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        JsonObject? keyboard = message.Buttons.Count == 0
            ? null
            : new JsonObject
            {
                ["inline_keyboard"] = new JsonArray([.. message.Buttons.Select(row =>
                    (JsonNode)new JsonArray([.. row.Select(b => (JsonNode)new JsonObject { ["text"] = b.Text, ["callback_data"] = b.Data })]))]),
            };
        var result = await bot.SendMessageAsync(Chat(message.ChatReference), message.Text, ParseMode(message.Format), MessageId(message.ReplyTo), keyboard, cancellationToken);
        var id = Json.WholeNumber(result, "message_id") ?? throw new TelegramApiException("Telegram answered sendMessage without a message_id.");
        return new ChatMessageRef(message.ChatReference, Text(id));
    }

    public Task EditAsync(string chatReference, string messageId, string text, ChatTextFormat format, CancellationToken cancellationToken) =>
        bot.EditMessageTextAsync(Chat(chatReference), MessageId(messageId) ?? 0, text, ParseMode(format), cancellationToken);

    public Task ReactAsync(string chatReference, string messageId, string emoji, CancellationToken cancellationToken) =>
        bot.SetReactionAsync(Chat(chatReference), MessageId(messageId) ?? 0, emoji, cancellationToken);

    private static string? ParseMode(ChatTextFormat format) => format == ChatTextFormat.Markdown ? "MarkdownV2" : null;

    private static long Chat(string chatReference) =>
        long.TryParse(chatReference, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var chat)
            ? chat
            : throw new ChatApiException($"'{chatReference}' is not a Telegram chat id.");

    private static long? MessageId(string? messageId) =>
        messageId is null ? null
        : long.TryParse(messageId, NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id
        : throw new ChatApiException($"'{messageId}' is not a Telegram message id.");

    private static string Text(long id) => id.ToString(CultureInfo.InvariantCulture);
}
