using Serverless.Functions.Chat.Slack;

namespace Serverless.Tests.Functions.Chat.Slack;

/// <summary>What start-up refuses in the Slack settings, with a message that names the setting.</summary>
public sealed class SlackOptionsTests
{
    private static IReadOnlyList<string> Failures(Action<SlackOptions> change)
    {
        var options = new SlackOptions { SigningSecret = "signing-secret", BotToken = "xoxb-1-2-abc" };
        change(options);
        var result = new SlackOptionsValidator().Validate(null, options);
        return result.Failed ? [.. result.Failures] : [];
    }

    [Fact]
    public void Neither_secret_leaves_Slack_off_and_valid()
    {
        var options = new SlackOptions();

        Assert.False(options.Enabled);
        Assert.True(new SlackOptionsValidator().Validate(null, options).Succeeded);
    }

    [Fact]
    public void Both_secrets_turn_it_on()
    {
        Assert.Empty(Failures(_ => { }));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void One_secret_without_the_other_is_refused_at_start(bool withSecret)
    {
        var failure = Assert.Single(Failures(o =>
        {
            o.SigningSecret = withSecret ? o.SigningSecret : null;
            o.BotToken = withSecret ? null : o.BotToken;
        }));

        Assert.Contains("Slack:SigningSecret and Slack:BotToken", failure, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("token", "xoxp-user-token", "Slack:BotToken")]
    [InlineData("user", "alice", "Slack:AllowedUsers")]
    [InlineData("channel", "#general", "Slack:AllowedChannels")]
    [InlineData("notify", "general", "Slack:NotificationChats:ops")]
    [InlineData("bot", "bot", "Slack:BotUserId")]
    [InlineData("emoji", "Not an emoji", "Slack:ReceiptEmoji")]
    [InlineData("default", "Default Channel", "Slack:DefaultChannel")]
    public void A_setting_of_the_wrong_shape_is_named(string setting, string value, string named)
    {
        var failures = Failures(o =>
        {
            switch (setting)
            {
                case "token": o.BotToken = value; break;
                case "user": o.AllowedUsers.Add(value); break;
                case "channel": o.AllowedChannels.Add(value); break;
                case "notify": o.NotificationChats["ops"] = value; break;
                case "bot": o.BotUserId = value; break;
                case "emoji": o.ReceiptEmoji = value; break;
                default: o.DefaultChannel = value; break;
            }
        });

        Assert.Contains(failures, f => f.StartsWith(named, StringComparison.Ordinal));
    }

    [Fact]
    public void The_options_never_print_their_secrets()
    {
        var options = new SlackOptions { SigningSecret = "signing-secret-value", BotToken = "xoxb-secret-token" };

        Assert.DoesNotContain("signing-secret-value", options.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("xoxb-secret-token", options.ToString(), StringComparison.Ordinal);
    }
}
