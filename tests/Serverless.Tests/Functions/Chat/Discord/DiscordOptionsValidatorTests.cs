using Serverless.Functions.Chat.Discord;

namespace Serverless.Tests.Functions.Chat.Discord;

public class DiscordOptionsValidatorTests
{
    private const string Key = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";

    private static IEnumerable<string> Failures(Action<DiscordOptions> configure)
    {
        var options = new DiscordOptions();
        configure(options);
        return new DiscordOptionsValidator().Validate(null, options).Failures ?? [];
    }

    [Fact]
    public void Without_any_of_the_three_settings_discord_is_off_and_valid()
    {
        Assert.Empty(Failures(_ => { }));
        Assert.False(new DiscordOptions().Enabled);
    }

    [Fact]
    public void A_complete_configuration_is_valid_and_on()
    {
        var options = new DiscordOptions { PublicKey = Key, ApplicationId = "777", BotToken = "MTA.bot" };

        Assert.Empty(new DiscordOptionsValidator().Validate(null, options).Failures ?? []);
        Assert.True(options.Enabled);
        Assert.DoesNotContain("MTA.bot", options.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Half_a_configuration_names_the_missing_settings()
    {
        var failure = Assert.Single(Failures(o => o.BotToken = "MTA.bot"));

        Assert.Contains("Discord:PublicKey, Discord:ApplicationId and Discord:BotToken", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void Malformed_values_are_named()
    {
        var failures = string.Join('\n', Failures(o =>
        {
            o.PublicKey = "not-hex";
            o.ApplicationId = "my-app";
            o.BotToken = "Bot MTA.bot";
            o.AllowedUsers.Add("@ann");
            o.AllowedChannels.Add("#general");
            o.NotificationChats["default"] = "general";
            o.DefaultChannel = "No Spaces";
        }));

        Assert.Contains("Discord:PublicKey", failures, StringComparison.Ordinal);
        Assert.Contains("Discord:ApplicationId", failures, StringComparison.Ordinal);
        Assert.Contains("Discord:BotToken", failures, StringComparison.Ordinal);
        Assert.Contains("Discord:AllowedUsers:0", failures, StringComparison.Ordinal);
        Assert.Contains("Discord:AllowedChannels:0", failures, StringComparison.Ordinal);
        Assert.Contains("Discord:NotificationChats:default", failures, StringComparison.Ordinal);
        Assert.Contains("Discord:DefaultChannel", failures, StringComparison.Ordinal);
        Assert.DoesNotContain("MTA.bot", failures, StringComparison.Ordinal);
    }
}
