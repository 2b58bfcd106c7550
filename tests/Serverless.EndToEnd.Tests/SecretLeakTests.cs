using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Serverless.Testing;

namespace Serverless.EndToEnd.Tests;

/// <summary>
/// A whole run with every secret set to a value of its own (webhook tokens and signing secrets, the relay
/// token, the Telegram bot token and secret token, the embedded endpoint's key), then every line the
/// function app and the relay wrote is searched for each of them.
/// </summary>
[Collection(RunsAlone.Name)]
public sealed class SecretLeakTests
{
    private const string RelayToken = "leak-relay-token-7f3a9c01";
    private const string GenericToken = "leak-generic-token-41d2aa";
    private const string GitHubSecret = "leak-github-secret-88ab11";
    private const string BotToken = "4242:leak-bot-token-c0ffee";
    private const string TelegramSecret = "leak-telegram-secret-5e5e";
    private const string EmbeddedKey = "leak-embedded-key-9d9d9d9d";
    private const long Owner = 5150;

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    [Fact]
    public async Task No_secret_appears_in_any_log_line_of_the_app_or_the_relay()
    {
        await using var telegram = await FakeTelegramBotApi.StartAsync(BotToken);
        await using var app = await FunctionsProcess.StartAsync(FreePort(), new Dictionary<string, string>
        {
            ["Logging__LogLevel__Default"] = "Debug",
            ["Relay__Tokens__0__Secret"] = RelayToken,
            ["Relay__Tokens__0__Channels"] = "*",
            ["Sources__generic__Secret"] = GenericToken,
            ["Sources__github__Secret"] = GitHubSecret,
            ["Telegram__BotToken"] = BotToken,
            ["Telegram__SecretToken"] = TelegramSecret,
            ["Telegram__ApiBaseUrl"] = telegram.BaseUrl.ToString(),
            ["Telegram__AllowedUsers__0"] = Owner.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["WebPubSub__EmbeddedAccessKey"] = EmbeddedKey,
        });
        using var http = new HttpClient { BaseAddress = app.BaseUrl };
        await using var relay = await RelayProcess.StartAsync(app.BaseUrl, "default", RelayToken);
        await WebhookToChannelTests.WaitUntilConnectedAsync(relay);

        // A webhook by function-URL code, one by bearer token, wrong ones, and a signed GitHub delivery.
        Assert.Equal(HttpStatusCode.Accepted, (await http.PostAsync($"/api/hooks/generic/default?code={GenericToken}", Json("""{"title":"by code"}"""))).StatusCode);
        using (var bearer = new HttpRequestMessage(HttpMethod.Post, "/api/hooks/generic/default") { Content = Json("""{"title":"by bearer"}""") })
        {
            bearer.Headers.Authorization = new AuthenticationHeaderValue("Bearer", GenericToken);
            Assert.Equal(HttpStatusCode.Accepted, (await http.SendAsync(bearer)).StatusCode);
        }

        Assert.Equal(HttpStatusCode.Unauthorized, (await http.PostAsync($"/api/hooks/generic/default?code={GenericToken}x", Json("{}"))).StatusCode);
        var body = """{"action":"opened","issue":{"number":1,"title":"t","html_url":"https://github.com/o/r/issues/1"},"repository":{"full_name":"o/r"},"sender":{"login":"u"}}""";
        using (var github = new HttpRequestMessage(HttpMethod.Post, "/api/hooks/github/default") { Content = Json(body) })
        {
            github.Headers.Add("X-Hub-Signature-256", "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(GitHubSecret), Encoding.UTF8.GetBytes(body))));
            github.Headers.Add("X-GitHub-Event", "issues");
            github.Headers.Add("X-GitHub-Delivery", Guid.NewGuid().ToString());
            Assert.Equal(HttpStatusCode.Accepted, (await http.SendAsync(github)).StatusCode);
        }

        // A Telegram message in, and the session's reply out through the Bot API (whose URL holds the bot token).
        using (var update = new HttpRequestMessage(HttpMethod.Post, "/api/telegram")
        {
            Content = Json("""{"update_id":1,"message":{"message_id":9,"from":{"id":OWNER,"is_bot":false,"first_name":"O"},"chat":{"id":OWNER,"type":"private"},"text":"status?"}}""".Replace("OWNER", Owner.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)),
        })
        {
            update.Headers.Add("X-Telegram-Bot-Api-Secret-Token", TelegramSecret);
            Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(update)).StatusCode);
        }

        Assert.True(await RelayProcess.EventuallyAsync(() => relay.Notifications.Count >= 4, TimeSpan.FromSeconds(30)), relay.Stderr);
        var reply = await relay.Client.CallToolAsync("reply", new Dictionary<string, object?> { ["chat_id"] = Owner.ToString(System.Globalization.CultureInfo.InvariantCulture), ["text"] = "All green." });
        Assert.NotEqual(true, reply.IsError);

        // A relay with a wrong token, which is refused and says so.
        await using (var wrong = await RelayProcess.StartAsync(app.BaseUrl, "default", RelayToken + "-wrong"))
        {
            Assert.True(await RelayProcess.EventuallyAsync(() => wrong.Stderr.Contains("refused the relay token", StringComparison.Ordinal), TimeSpan.FromSeconds(20)), wrong.Stderr);
            Assert.DoesNotContain(RelayToken, wrong.Stderr, StringComparison.Ordinal);
        }

        var logs = app.Output + "\n" + relay.Stderr;
        Assert.Contains("Delivered event", logs, StringComparison.Ordinal);
        foreach (var secret in new[] { RelayToken, GenericToken, GitHubSecret, BotToken, "leak-bot-token", TelegramSecret, "access_token=" })
        {
            Assert.DoesNotContain(secret, logs, StringComparison.Ordinal);
        }

        // The one deliberate exception: start-up prints the embedded endpoint's connection string, for
        // tools on this machine, once.
        Assert.Single(logs.Split('\n'), l => l.Contains(EmbeddedKey, StringComparison.Ordinal) && l.Contains("Embedded Web PubSub connection string", StringComparison.Ordinal));
        Assert.Equal(1, logs.Split('\n').Count(l => l.Contains(EmbeddedKey, StringComparison.Ordinal)));
    }

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");
}
