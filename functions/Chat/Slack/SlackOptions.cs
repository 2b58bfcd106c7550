using Serverless.Functions.Chat;

namespace Serverless.Functions.Chat.Slack;

/// <summary>The Slack app: its signing secret and bot token, who may talk to it, and where replies go.</summary>
public sealed class SlackOptions() : ChatTransportOptions(new Uri("https://slack.com/api/"), "eyes")
{
    public const string Section = "Slack";

    /// <summary>The app's Signing Secret (Basic Information); every request from Slack is signed with it.</summary>
    public string? SigningSecret { get; set; }

    /// <summary>The bot token (<c>xoxb-...</c>, OAuth &amp; Permissions), sent as a Bearer header to the Web API.</summary>
    public string? BotToken { get; set; }

    /// <summary>The bot's own user id (<c>U...</c>); learned from <c>auth.test</c> when not set.</summary>
    public string? BotUserId { get; set; }

    /// <summary>Both secrets are needed: one proves a request came from Slack, the other answers it.</summary>
    public bool Enabled => !string.IsNullOrWhiteSpace(SigningSecret) && !string.IsNullOrWhiteSpace(BotToken);

    public override string ToString() =>
        $"Slack (enabled: {Enabled}, signing secret: {(string.IsNullOrEmpty(SigningSecret) ? "unset" : "set")}, bot token: {(string.IsNullOrEmpty(BotToken) ? "unset" : "set")}, policy: {Policy})";
}
