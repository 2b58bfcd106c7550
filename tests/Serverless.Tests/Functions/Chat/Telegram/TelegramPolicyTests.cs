using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Functions.Inbox;
using Serverless.Testing;

namespace Serverless.Tests.Functions.Chat.Telegram;

/// <summary><c>Telegram:Policy</c>: <c>pairing</c> (the default, tested end to end), <c>allowlist</c> and <c>disabled</c>.</summary>
public sealed class TelegramPolicyTests
{
    private const long Allowed = 21;
    private const long Stranger = 99;

    private sealed class PolicyApp(string policy) : SharedApp
    {
        protected override string? TelegramBotToken => "42:policy-bot";

        protected override Dictionary<string, string?> Settings() => new()
        {
            ["Telegram:Policy"] = policy,
            ["Telegram:AllowedUsers:0"] = Allowed.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Relay:Tokens:0:Secret"] = "policy-relay-token-0123456",
            ["Relay:Tokens:0:Channels"] = "*",
        };
    }

    private static async Task<PolicyApp> StartAsync(string policy)
    {
        var app = new PolicyApp(policy);
        await app.InitializeAsync();
        return app;
    }

    private static async Task<HttpStatusCode> SendAsync(PolicyApp app, long from, string text)
    {
        using var response = await app.TelegramMessageAsync(from, text);
        return response.StatusCode;
    }

    [Fact]
    public async Task Allowlist_lets_allowed_users_through_and_gives_strangers_no_answer_and_no_code()
    {
        var app = await StartAsync("allowlist");
        await using var _ = app;

        Assert.Equal(HttpStatusCode.OK, await SendAsync(app, Stranger, "let me in"));
        Assert.Equal(HttpStatusCode.OK, await SendAsync(app, Allowed, "hello"));

        Assert.Empty(app.Telegram.Sent());
        Assert.Equal(1, app.Running.Services.GetRequiredService<EmbeddedEventInbox>().Count("default"));
    }

    [Fact]
    public async Task Disabled_ignores_everyone_even_allowed_users()
    {
        var app = await StartAsync("disabled");
        await using var _ = app;

        Assert.Equal(HttpStatusCode.OK, await SendAsync(app, Allowed, "hello"));
        Assert.Equal(HttpStatusCode.OK, await SendAsync(app, Stranger, "let me in"));

        Assert.Empty(app.Telegram.Sent());
        Assert.Equal(0, app.Running.Services.GetRequiredService<EmbeddedEventInbox>().Count("default"));
    }
}
