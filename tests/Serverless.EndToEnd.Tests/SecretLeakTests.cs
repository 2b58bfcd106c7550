using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Serverless.Testing;

namespace Serverless.EndToEnd.Tests;

/// <summary>
/// A whole run with every secret set to a value of its own (webhook tokens and signing secrets, the relay
/// token, the Telegram bot token and secret token, Slack's signing secret and bot token, Discord's bot token,
/// the embedded endpoint's key) and every log category of the app at Trace, the framework's included (each by
/// name, and for the console provider, whose rules beat the app's own filters): then every line the function
/// app and the relay wrote is searched for each of them.
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
    private const string SentrySecret = "leak-sentry-secret-31f0c2";
    private const string SlackSecret = "leak-slack-signing-secret-77e1";
    private const string SlackBotToken = "xoxb-leak-slack-bot-token-a1b2";
    private const string SlackOwner = "U0OWNER1";
    private const string DiscordBotToken = "leak-discord-bot-token-d15c0";
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
        await using var slack = await FakeSlackApi.StartAsync(SlackBotToken);
        await using var discord = await FakeDiscordApi.StartAsync(DiscordBotToken);
        using var discordKey = new DiscordSigner();
        await using var app = await FunctionsProcess.StartAsync(FreePort(), new Dictionary<string, string>
        {
            ["Logging__LogLevel__Default"] = "Trace",
            ["Logging__LogLevel__Microsoft"] = "Trace",
            ["Logging__LogLevel__Microsoft.AspNetCore"] = "Trace",
            ["Logging__LogLevel__Microsoft.AspNetCore.Hosting.Diagnostics"] = "Trace",
            ["Logging__LogLevel__System"] = "Trace",
            ["Logging__LogLevel__System.Net.Http.HttpClient"] = "Trace",
            ["Logging__Console__LogLevel__Default"] = "Trace",
            ["Logging__Console__LogLevel__Microsoft.AspNetCore.Hosting.Diagnostics"] = "Trace",
            ["Logging__Console__LogLevel__System.Net.Http.HttpClient"] = "Trace",
            ["Sources__sentry__Secret"] = SentrySecret,
            ["Slack__SigningSecret"] = SlackSecret,
            ["Slack__BotToken"] = SlackBotToken,
            ["Slack__ApiBaseUrl"] = slack.ApiBaseUrl.ToString(),
            ["Slack__AllowedUsers__0"] = SlackOwner,
            ["Discord__PublicKey"] = discordKey.PublicKeyHex,
            ["Discord__ApplicationId"] = "123456789012345678",
            ["Discord__BotToken"] = DiscordBotToken,
            ["Discord__ApiBaseUrl"] = discord.BaseUrl.ToString(),
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

        // A Slack message in, signed as Slack signs it, and one with a wrong signature (refused); a Sentry
        // delivery signed with another secret (refused).
        using (var slackEvent = SlackRequests.Event(SlackRequests.Envelope(SlackRequests.DirectMessage(SlackOwner, "status?", "1700000001.000042"), "Ev000001"), SlackSecret, DateTimeOffset.UtcNow))
        {
            Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(slackEvent)).StatusCode);
        }

        using (var forged = SlackRequests.Event(SlackRequests.Envelope(SlackRequests.DirectMessage(SlackOwner, "forged", "1700000001.000043"), "Ev000002"), SlackSecret + "x", DateTimeOffset.UtcNow))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await http.SendAsync(forged)).StatusCode);
        }

        using (var sentry = new HttpRequestMessage(HttpMethod.Post, "/api/hooks/sentry/default") { Content = Json("""{"action":"created","data":{"issue":{"title":"t"}}}""") })
        {
            sentry.Headers.Add("Sentry-Hook-Signature", Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(SentrySecret + "x"), "{}"u8)));
            sentry.Headers.Add("Sentry-Hook-Resource", "issue");
            Assert.Equal(HttpStatusCode.Unauthorized, (await http.SendAsync(sentry)).StatusCode);
        }

        Assert.True(await RelayProcess.EventuallyAsync(() => relay.Notifications.Count >= 5, TimeSpan.FromSeconds(30)), relay.Stderr);
        // The reply to Telegram is rate limited once (429, retried after retry_after), so the retry path logs too.
        telegram.RateLimit("sendMessage", 1);
        var reply = await relay.Client.CallToolAsync("reply", new Dictionary<string, object?> { ["chat_id"] = Owner.ToString(System.Globalization.CultureInfo.InvariantCulture), ["text"] = "All green." });
        Assert.NotEqual(true, reply.IsError);
        Assert.Equal(2, telegram.Sent().Count);
        slack.RateLimit("chat.postMessage", 1);
        var slackReply = await relay.Client.CallToolAsync("reply", new Dictionary<string, object?> { ["chat_id"] = "slack:D0DM0001", ["text"] = "All green." });
        Assert.NotEqual(true, slackReply.IsError);
        await slack.WaitForAsync("chat.postMessage");

        // A relay with a wrong token, which is refused and says so.
        await using (var wrong = await RelayProcess.StartAsync(app.BaseUrl, "default", RelayToken + "-wrong"))
        {
            Assert.True(await RelayProcess.EventuallyAsync(() => wrong.Stderr.Contains("refused the relay token", StringComparison.Ordinal), TimeSpan.FromSeconds(20)), wrong.Stderr);
            Assert.DoesNotContain(RelayToken, wrong.Stderr, StringComparison.Ordinal);
        }

        var logs = app.Output + "\n" + relay.Stderr;
        Assert.Contains("Delivered event", logs, StringComparison.Ordinal);
        // The Trace settings took: the framework's own categories wrote lines too.
        Assert.Contains("Microsoft.AspNetCore.Routing", logs, StringComparison.Ordinal);
        foreach (var secret in new[] { RelayToken, GenericToken, GitHubSecret, BotToken, "leak-bot-token", TelegramSecret, "access_token=", SentrySecret, SlackSecret, SlackBotToken, "leak-slack-bot-token", DiscordBotToken })
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
