using Serverless.Functions.Chat;

namespace Serverless.Functions.Slack;

/// <summary>The Slack app: its signing secret and bot token, who may talk to it, and where replies go.</summary>
public sealed class SlackOptions
{
    public const string Section = "Slack";

    /// <summary>The app's Signing Secret (Basic Information); every request from Slack is signed with it.</summary>
    public string? SigningSecret { get; set; }

    /// <summary>The bot token (<c>xoxb-...</c>, OAuth &amp; Permissions), sent as a Bearer header to the Web API.</summary>
    public string? BotToken { get; set; }

    /// <summary>The bot's own user id (<c>U...</c>); learned from <c>auth.test</c> when not set.</summary>
    public string? BotUserId { get; set; }

    /// <summary>The Web API; tests point it at a local fake.</summary>
    public Uri ApiBaseUrl { get; set; } = new("https://slack.com/api/");

    /// <summary><c>Pairing</c> (strangers get a code in a direct message), <c>Allowlist</c> or <c>Disabled</c>.</summary>
    public ChatPolicy Policy { get; set; } = ChatPolicy.Pairing;

    /// <summary>User ids (<c>U0123ABC</c>) allowed on every channel from the start; pairing adds more.</summary>
    public IList<string> AllowedUsers { get; } = [];

    /// <summary>Channel ids (<c>C0123ABC</c>) the bot may talk in; members must be allowed and mention it.</summary>
    public IList<string> AllowedChannels { get; } = [];

    /// <summary>The relay channel a conversation talks to until <c>/channel NAME</c> switches it.</summary>
    public string DefaultChannel { get; set; } = RelayApiDefaults.Channel;

    /// <summary>Per relay channel, the Slack channel id that gets replies to webhook events (<c>Slack:NotificationChats:{channel}</c>).</summary>
    public Dictionary<string, string> NotificationChats { get; } = new(StringComparer.Ordinal);

    /// <summary>Which conversations see that the session has their message: a reaction once it was shown.</summary>
    public ChatReceipts Receipts { get; set; } = ChatReceipts.PrivateChats;

    /// <summary>The receipt reaction's name, as Slack spells it (<c>eyes</c>, not 👀).</summary>
    public string ReceiptEmoji { get; set; } = "eyes";

    /// <summary>Both secrets are needed: one proves a request came from Slack, the other answers it.</summary>
    public bool Enabled => !string.IsNullOrWhiteSpace(SigningSecret) && !string.IsNullOrWhiteSpace(BotToken);

    public override string ToString() =>
        $"Slack (enabled: {Enabled}, signing secret: {(string.IsNullOrEmpty(SigningSecret) ? "unset" : "set")}, bot token: {(string.IsNullOrEmpty(BotToken) ? "unset" : "set")}, policy: {Policy})";
}
