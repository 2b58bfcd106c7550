using Serverless.Functions.Chat;

namespace Serverless.Functions.Chat.Telegram;

public sealed class TelegramOptions
{
    public const string Section = "Telegram";

    /// <summary>The bot's token from BotFather. Without it, Telegram is off.</summary>
    public string? BotToken { get; set; }

    /// <summary>The <c>secret_token</c> given to <c>setWebhook</c>; Telegram sends it in <c>X-Telegram-Bot-Api-Secret-Token</c>.</summary>
    public string? SecretToken { get; set; }

    /// <summary>The Bot API; tests point it at a local fake.</summary>
    public Uri ApiBaseUrl { get; set; } = new("https://api.telegram.org");

    /// <summary>The bot's @username, for mentions in groups.</summary>
    public string? BotUsername { get; set; }

    /// <summary><c>pairing</c> (strangers get a code), <c>allowlist</c> (strangers get nothing) or <c>disabled</c>.</summary>
    public ChatPolicy Policy { get; set; } = ChatPolicy.Pairing;

    /// <summary>User ids allowed from the start (more are added by pairing).</summary>
    public IList<long> AllowedUsers { get; } = [];

    /// <summary>Group chat ids that may talk to the bot; members must be allowed and mention the bot.</summary>
    public IList<long> AllowedGroups { get; } = [];

    /// <summary>The channel a chat talks to until <c>/channel NAME</c> switches it.</summary>
    public string DefaultChannel { get; set; } = RelayApiDefaults.Channel;

    /// <summary>Per channel, the chat that gets replies to webhook events (<c>Telegram:NotificationChats:{channel}</c>).</summary>
    public Dictionary<string, long> NotificationChats { get; } = new(StringComparer.Ordinal);

    /// <summary>Which chats see that the session has their message: a reaction once it was shown (<c>PrivateChats</c> by default).</summary>
    public ChatReceipts Receipts { get; set; } = ChatReceipts.PrivateChats;

    /// <summary>The reaction a shown message gets; one of the emoji Telegram allows as reactions.</summary>
    public string ReceiptEmoji { get; set; } = "👀";

    public bool Enabled => !string.IsNullOrWhiteSpace(BotToken);
}
