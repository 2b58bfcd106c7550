using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Functions.Inbox;
using Serverless.Testing;

namespace Serverless.Tests.Telegram;

/// <summary><c>Telegram:Policy</c>: <c>pairing</c> (the default, tested end to end), <c>allowlist</c> and <c>disabled</c>.</summary>
public sealed class TelegramPolicyTests
{
    private const long Allowed = 21;
    private const long Stranger = 99;

    private static async Task<(RunningFunctionsApp App, FakeTelegramBotApi Telegram)> StartAsync(string policy)
    {
        var telegram = await FakeTelegramBotApi.StartAsync("42:policy-bot");
        var app = await RunningFunctionsApp.StartAsync(new Dictionary<string, string?>
        {
            ["Telegram:BotToken"] = "42:policy-bot",
            ["Telegram:SecretToken"] = "telegram-secret-token-0123",
            ["Telegram:ApiBaseUrl"] = telegram.BaseUrl.ToString(),
            ["Telegram:Policy"] = policy,
            ["Telegram:AllowedUsers:0"] = Allowed.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Relay:Tokens:0:Secret"] = "policy-relay-token-0123456",
            ["Relay:Tokens:0:Channels"] = "*",
        });
        return (app, telegram);
    }

    private static async Task<HttpStatusCode> SendAsync(RunningFunctionsApp app, long from, string text)
    {
        var update = new JsonObject
        {
            ["update_id"] = Random.Shared.Next(1, 1_000_000),
            ["message"] = new JsonObject
            {
                ["message_id"] = Random.Shared.Next(1, 1_000_000),
                ["from"] = new JsonObject { ["id"] = from, ["is_bot"] = false, ["first_name"] = "P" },
                ["chat"] = new JsonObject { ["id"] = from, ["type"] = "private" },
                ["text"] = text,
            },
        };
        using var http = app.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/telegram") { Content = new StringContent(update.ToJsonString(), Encoding.UTF8, "application/json") };
        request.Headers.Add("X-Telegram-Bot-Api-Secret-Token", "telegram-secret-token-0123");
        using var response = await http.SendAsync(request);
        return response.StatusCode;
    }

    [Fact]
    public async Task Allowlist_lets_allowed_users_through_and_gives_strangers_no_answer_and_no_code()
    {
        var (app, telegram) = await StartAsync("allowlist");
        await using var _ = app;
        await using var __ = telegram;

        Assert.Equal(HttpStatusCode.OK, await SendAsync(app, Stranger, "let me in"));
        Assert.Equal(HttpStatusCode.OK, await SendAsync(app, Allowed, "hello"));

        Assert.Empty(telegram.Sent());
        Assert.Equal(1, app.Services.GetRequiredService<EmbeddedEventInbox>().Count("default"));
    }

    [Fact]
    public async Task Disabled_ignores_everyone_even_allowed_users()
    {
        var (app, telegram) = await StartAsync("disabled");
        await using var _ = app;
        await using var __ = telegram;

        Assert.Equal(HttpStatusCode.OK, await SendAsync(app, Allowed, "hello"));
        Assert.Equal(HttpStatusCode.OK, await SendAsync(app, Stranger, "let me in"));

        Assert.Empty(telegram.Sent());
        Assert.Equal(0, app.Services.GetRequiredService<EmbeddedEventInbox>().Count("default"));
    }
}
