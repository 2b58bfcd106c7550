using Serverless.Functions.Chat;

namespace Serverless.Functions.Discord;

/// <summary>The Discord application (<c>Discord:*</c>): on only when its public key, application id and bot token are all set.</summary>
public sealed class DiscordOptions
{
    public const string Section = "Discord";

    /// <summary>The settings that turn Discord on, for "not configured" answers and start-up messages.</summary>
    public const string EnablingSettings = "Discord:PublicKey, Discord:ApplicationId and Discord:BotToken";

    /// <summary>The application's public key from the developer portal (64 hex characters): Discord signs every interaction with its private half.</summary>
    public string? PublicKey { get; set; }

    /// <summary>The application id (a snowflake), for registering the slash command.</summary>
    public string? ApplicationId { get; set; }

    /// <summary>The bot's token, sent as <c>Authorization: Bot TOKEN</c>; a secret.</summary>
    public string? BotToken { get; set; }

    /// <summary>The REST API; tests point it at a local fake.</summary>
    public Uri ApiBaseUrl { get; set; } = new("https://discord.com/api/v10/");

    public ChatPolicy Policy { get; set; } = ChatPolicy.Pairing;

    /// <summary>User ids allowed on every channel from the start (pairing adds more, per channel).</summary>
    public IList<string> AllowedUsers { get; } = [];

    /// <summary>Guild channel ids where allowed users may talk to the session; any other guild channel is refused.</summary>
    public IList<string> AllowedChannels { get; } = [];

    /// <summary>The channel a Discord conversation talks to until <c>/channel NAME</c> switches it.</summary>
    public string DefaultChannel { get; set; } = RelayApiDefaults.Channel;

    /// <summary>Per session channel, the Discord channel id that gets replies to webhook events (<c>Discord:NotificationChats:{channel}</c>).</summary>
    public Dictionary<string, string> NotificationChats { get; } = new(StringComparer.Ordinal);

    /// <summary>Which conversations get a reaction on a message once the session has it.</summary>
    public ChatReceipts Receipts { get; set; } = ChatReceipts.PrivateChats;

    /// <summary>The receipt reaction: a Unicode emoji, or a custom one as <c>name:id</c>.</summary>
    public string ReceiptEmoji { get; set; } = "👀";

    public bool Enabled =>
        !string.IsNullOrWhiteSpace(PublicKey) && !string.IsNullOrWhiteSpace(ApplicationId) && !string.IsNullOrWhiteSpace(BotToken);

    // Options are printed by diagnostics and debuggers: never with the token.
    public override string ToString() => $"Discord application {ApplicationId} (bot token {(string.IsNullOrEmpty(BotToken) ? "not set" : "***")})";
}
