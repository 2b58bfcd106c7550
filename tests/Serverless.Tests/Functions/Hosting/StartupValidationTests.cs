using Microsoft.Extensions.Options;
using Serverless.Testing;

namespace Serverless.Tests.Functions.Hosting;

/// <summary>Bad settings stop the app at start-up with a message that names the setting.</summary>
public class StartupValidationTests
{
    private static async Task<string> StartupErrorAsync(Dictionary<string, string?> settings)
    {
        var ex = await Assert.ThrowsAsync<OptionsValidationException>(async () =>
        {
            await using var app = await RunningFunctionsApp.StartAsync(settings);
        });
        return ex.Message;
    }

    [Fact]
    public async Task Well_known_relay_token_is_refused_outside_the_local_default()
    {
        var message = await StartupErrorAsync(new()
        {
            ["WebPubSub:ConnectionString"] = "Endpoint=https://demo.webpubsub.azure.com;AccessKey=real-key-1234567890;Version=1.0;",
            ["Relay:Tokens:0:Secret"] = "dev-relay-token",
            ["Relay:Tokens:0:Channels"] = "*",
        });

        Assert.Contains("Relay:Tokens", message, StringComparison.Ordinal);
        Assert.Contains("well-known", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_relay_token_is_required_outside_the_local_default()
    {
        var message = await StartupErrorAsync(new()
        {
            ["WebPubSub:Endpoint"] = "https://demo.webpubsub.azure.com",
        });

        Assert.Contains("Relay:Tokens is empty", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Well_known_webhook_secret_is_refused_outside_the_local_default()
    {
        var message = await StartupErrorAsync(new()
        {
            ["WebPubSub:Endpoint"] = "https://demo.webpubsub.azure.com",
            ["Relay:Tokens:0:Secret"] = "a-real-relay-token-0123456789",
            ["Relay:Tokens:0:Channels"] = "*",
            ["Sources:generic:Secret"] = "dev-webhook-token",
        });

        Assert.Contains("Sources:generic:Secret", message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("bogus", "Telegram:Policy")]
    [InlineData("7", "Telegram:Policy must be")]
    public async Task A_telegram_policy_that_is_not_one_of_the_three_stops_the_app(string policy, string mentioned)
    {
        // A name that is no policy fails binding (the configuration binder names the key), a number that
        // is no policy fails validation: either way the app does not start.
        var failure = await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            await using var app = await RunningFunctionsApp.StartAsync(new Dictionary<string, string?>
            {
            ["Telegram:BotToken"] = "123456:telegram-bot-token-for-tests",
            ["Telegram:SecretToken"] = "telegram-secret-token-0123",
                ["Telegram:Policy"] = policy,
                ["Relay:Tokens:0:Secret"] = "a-real-relay-token-0123456789",
                ["Relay:Tokens:0:Channels"] = "*",
            });
        });

        Assert.Contains(mentioned, failure.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("WebPubSub:ConnectionString", "Endpoint=https://x;Version=1.0;", "AccessKey")]
    [InlineData("WebPubSub:Hub", "1-bad hub", "WebPubSub:Hub")]
    [InlineData("WebPubSub:Endpoint", "http://insecure.example", "https")]
    public async Task Invalid_web_pubsub_settings_fail_fast(string key, string value, string mentioned)
    {
        var message = await StartupErrorAsync(new()
        {
            [key] = value,
            ["Relay:Tokens:0:Secret"] = "a-real-relay-token-0123456789",
            ["Relay:Tokens:0:Channels"] = "*",
        });

        Assert.Contains(mentioned, message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_local_default_starts_with_the_development_secrets()
    {
        await using var app = await RunningFunctionsApp.StartAsync();
        using var client = app.CreateClient();

        var health = await client.GetStringAsync(new Uri("/api/health", UriKind.Relative));

        Assert.Contains("\"local_default\":true", health, StringComparison.Ordinal);
        Assert.Contains("\"web_pub_sub\":\"embedded\"", health, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Relay:Tokens:0", "a-real-relay-token-0123456789", "must name the channels")]
    [InlineData("Relay:Tokens:0:Secret", "a-real-relay-token-0123456789", "Channels is empty")]
    [InlineData("Relay:Tokens:0:Secret", "short", "at least 16 characters")]
    [InlineData("Relay:Tokens:0:Sha256", "abc", "64 hexadecimal characters")]
    public async Task Relay_tokens_without_channels_or_weak_ones_are_refused(string key, string value, string mentioned)
    {
        var message = await StartupErrorAsync(new()
        {
            ["WebPubSub:Endpoint"] = "https://demo.webpubsub.azure.com",
            [key] = value,
        });

        Assert.Contains(mentioned, message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_token_bound_to_a_channel_name_that_cannot_exist_is_refused()
    {
        var message = await StartupErrorAsync(new()
        {
            ["WebPubSub:Endpoint"] = "https://demo.webpubsub.azure.com",
            ["Relay:Tokens:0:Secret"] = "a-real-relay-token-0123456789",
            ["Relay:Tokens:0:Channels"] = "ops, Bad_Name",
        });

        Assert.Contains("'Bad_Name'", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_development_relay_token_given_by_its_hash_is_refused_outside_the_local_default()
    {
        var message = await StartupErrorAsync(new()
        {
            ["WebPubSub:Endpoint"] = "https://demo.webpubsub.azure.com",
            ["Relay:Tokens:0:Sha256"] = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData("dev-relay-token"u8.ToArray())),
            ["Relay:Tokens:0:Channels"] = "*",
        });

        Assert.Contains("well-known development token", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_a_Slack_app_configured_the_development_relay_token_is_refused_even_locally()
    {
        var message = await StartupErrorAsync(new()
        {
            ["Slack:SigningSecret"] = "slack-signing-secret",
            ["Slack:BotToken"] = "xoxb-1-2-abc",
        });

        Assert.Contains("chat bot (Telegram, Slack or Discord)", message, StringComparison.Ordinal);
    }
}
