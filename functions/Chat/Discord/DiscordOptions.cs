using Serverless.Functions.Chat;

namespace Serverless.Functions.Chat.Discord;

/// <summary>The Discord application (<c>Discord:*</c>): on only when its public key, application id and bot token are all set.</summary>
public sealed class DiscordOptions() : ChatTransportOptions(new Uri("https://discord.com/api/v10/"), "👀")
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

    public bool Enabled =>
        !string.IsNullOrWhiteSpace(PublicKey) && !string.IsNullOrWhiteSpace(ApplicationId) && !string.IsNullOrWhiteSpace(BotToken);

    // Options are printed by diagnostics and debuggers: never with the token.
    public override string ToString() => $"Discord application {ApplicationId} (bot token {(string.IsNullOrEmpty(BotToken) ? "not set" : "***")})";
}
