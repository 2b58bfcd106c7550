using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Functions.Chat.Telegram;
using Serverless.Testing;

namespace Serverless.Tests.Functions.Telemetry;

/// <summary>
/// The framework's HTTP logs at Trace, asked for as a setting would (every category, and for this provider by name,
/// which beats the app's own filters): neither an outgoing Bot API call, whose path holds the bot token, nor an
/// incoming function URL, whose query holds the source token, puts a secret into any line.
/// </summary>
public sealed class HttpLogSecretTests
{
    private const string BotToken = "4242:http-log-bot-token-c0ffee";
    private const string GenericToken = "http-log-generic-token-41d2aa";

    [Fact]
    public async Task No_http_log_line_at_trace_holds_the_bot_token_or_a_function_key()
    {
        await using var telegram = await FakeTelegramBotApi.StartAsync(BotToken);
        var lines = new List<string>();
        await using var app = await RunningFunctionsApp.StartAsync(
            new Dictionary<string, string?>
            {
                ["Logging:LogLevel:Default"] = "Trace",
                ["Logging:LogLevel:System.Net.Http.HttpClient"] = "Trace",
                ["Logging:LogLevel:Microsoft.AspNetCore"] = "Trace",
                ["Logging:LogLevel:Microsoft.AspNetCore.Hosting.Diagnostics"] = "Trace",
                [$"Logging:{typeof(ListLoggerProvider).FullName}:LogLevel:Default"] = "Trace",
                ["Telegram:BotToken"] = BotToken,
                ["Telegram:SecretToken"] = "http-log-secret-token-0123",
                ["Telegram:ApiBaseUrl"] = telegram.BaseUrl.ToString(),
                ["Telegram:AllowedUsers:0"] = "5150",
                ["Relay:Tokens:0:Secret"] = "http-log-relay-token-0123",
                ["Relay:Tokens:0:Channels"] = "*",
                ["Sources:generic:Secret"] = GenericToken,
            },
            logLines: lines);
        using var http = app.CreateClient();

        // A Bot API call that is rate limited once (429, then retried), and a webhook by function-URL code, right and wrong.
        telegram.RateLimit("sendMessage", 1);
        await app.Services.GetRequiredService<TelegramBotApi>().SendMessageAsync(5150, "All green.", null, null, null, CancellationToken.None);
        using (var accepted = await http.PostAsync($"/api/hooks/generic/default?code={GenericToken}", new StringContent("""{"title":"by code"}""", Encoding.UTF8, "application/json")))
        {
            Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        }

        using (var refused = await http.PostAsync($"/api/hooks/generic/default?code={GenericToken}x", new StringContent("{}", Encoding.UTF8, "application/json")))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        }

        Assert.Equal(2, telegram.Sent().Count);
        string[] logged;
        lock (lines)
        {
            logged = [.. lines];
        }

        // The Trace settings took: the outgoing calls and ASP.NET Core's routing wrote lines.
        Assert.Contains(logged, l => l.Contains("429", StringComparison.Ordinal));
        Assert.Contains(logged, l => l.Contains("Microsoft.AspNetCore.Routing", StringComparison.Ordinal));
        Assert.DoesNotContain(logged, l => l.Contains("http-log-bot-token", StringComparison.Ordinal) || l.Contains(GenericToken, StringComparison.Ordinal));
    }
}
