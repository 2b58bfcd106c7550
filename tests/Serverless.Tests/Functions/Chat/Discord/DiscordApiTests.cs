using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using Serverless.Functions.Chat;
using Serverless.Functions.Chat.Discord;
using Serverless.Testing;

namespace Serverless.Tests.Functions.Chat.Discord;

/// <summary>The REST client against a fake of Discord's API on 127.0.0.1.</summary>
public sealed class DiscordApiTests : DiscordApiHarness
{
    private DiscordApi Api(TimeProvider? time = null, string? token = null) =>
        CreateApi(token is null ? null : Options(o => o.BotToken = token), time);

    [Fact]
    public async Task A_message_is_posted_with_the_bot_token_a_reply_reference_buttons_and_no_mentions()
    {
        var components = DiscordChatTransport.Components([[new ChatButton("Allow", "perm:allow:abcde", ChatButtonStyle.Primary)]]);

        var id = await Api().CreateMessageAsync("123", "On it @everyone", "456", components, CancellationToken.None);

        var call = Assert.Single(Fake.Calls);
        Assert.Equal(("POST", "channels/123/messages"), (call.Method, call.Path));
        Assert.StartsWith("DiscordBot (", call.UserAgent, StringComparison.Ordinal);
        Assert.Equal("On it @everyone", (string?)call.Body!["content"]);
        Assert.Empty(call.Body["allowed_mentions"]!["parse"]!.AsArray());
        Assert.Equal("456", (string?)call.Body["message_reference"]!["message_id"]);
        Assert.Equal("perm:allow:abcde", (string?)call.Body["components"]![0]!["components"]![0]!["custom_id"]);
        Assert.True(DiscordIds.IsSnowflake(id));
    }

    [Fact]
    public async Task An_edit_replaces_the_content_and_removes_the_buttons()
    {
        await Api().EditMessageAsync("123", "456", "Allowed by @ann", CancellationToken.None);

        var call = Assert.Single(Fake.Calls);
        Assert.Equal(("PATCH", "channels/123/messages/456"), (call.Method, call.Path));
        Assert.Equal("Allowed by @ann", (string?)call.Body!["content"]);
        Assert.Empty(call.Body["components"]!.AsArray());
    }

    [Fact]
    public async Task A_reaction_puts_the_url_encoded_emoji_for_the_bot()
    {
        await Api().AddReactionAsync("123", "456", "👀", CancellationToken.None);

        var call = Assert.Single(Fake.Calls);
        Assert.Equal(("PUT", "channels/123/messages/456/reactions/👀/@me"), (call.Method, call.Path));
    }

    [Fact]
    public async Task A_429_is_waited_out_for_its_retry_after_and_then_the_call_succeeds()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        Fake.RateLimitOnce(retryAfterSeconds: 1.5);

        var sending = Api(time).CreateMessageAsync("123", "hello", null, null, CancellationToken.None);
        Assert.True(await Eventually(() => Fake.Calls.Count == 1));
        await Task.Delay(200);
        Assert.False(sending.IsCompleted);
        var waited = TimeSpan.Zero;
        while (!sending.IsCompleted && waited < TimeSpan.FromSeconds(30))
        {
            time.Advance(TimeSpan.FromMilliseconds(100));
            waited += TimeSpan.FromMilliseconds(100);
            await Task.Delay(10);
        }

        Assert.True(DiscordIds.IsSnowflake(await sending));
        Assert.True(waited >= TimeSpan.FromSeconds(1.5), $"retried after {waited}");
        Assert.Equal(2, Fake.Calls.Count);
        Assert.Equal(Fake.Calls[0].Body!.ToJsonString(), Fake.Calls[1].Body!.ToJsonString());
    }

    [Fact]
    public async Task A_429_asking_for_a_longer_wait_than_the_cap_fails_with_discords_message()
    {
        Fake.RateLimitOnce(retryAfterSeconds: 64.57);

        var failure = await Assert.ThrowsAsync<ChatApiException>(() => Api().CreateMessageAsync("123", "hello", null, null, CancellationToken.None));

        Assert.Contains("429 You are being rate limited.", failure.Message, StringComparison.Ordinal);
        Assert.Single(Fake.Calls);
    }

    [Fact]
    public async Task A_refusal_is_a_chat_api_exception_with_discords_message_and_never_the_token()
    {
        var tooLong = await Assert.ThrowsAsync<ChatApiException>(() => Api().CreateMessageAsync("123", new string('x', 2001), null, null, CancellationToken.None));
        var unauthorized = await Assert.ThrowsAsync<ChatApiException>(() => Api(token: "wrong-token").CreateMessageAsync("123", "x", null, null, CancellationToken.None));

        Assert.Contains("400 Invalid Form Body (code 50035)", tooLong.Message, StringComparison.Ordinal);
        Assert.Contains("401", unauthorized.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("wrong-token", unauthorized.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(DiscordApiHarness.BotToken, tooLong.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Registering_overwrites_the_applications_global_commands()
    {
        var registered = await Api().OverwriteGlobalCommandsAsync(DiscordSlashCommand.Definitions(), CancellationToken.None);

        var call = Assert.Single(Fake.Calls);
        Assert.Equal(("PUT", "applications/777/commands"), (call.Method, call.Path));
        var command = Assert.Single(registered);
        Assert.Equal("claude", (string?)command!["name"]);
        Assert.Equal(1, (int)call.Body![0]!["type"]!);
        Assert.Equal("text", (string?)call.Body[0]!["options"]![0]!["name"]);
        Assert.Equal(3, (int)call.Body[0]!["options"]![0]!["type"]!);
    }

    private static async Task<bool> Eventually(Func<bool> condition)
    {
        for (var i = 0; i < 200 && !condition(); i++)
        {
            await Task.Delay(25);
        }

        return condition();
    }
}
