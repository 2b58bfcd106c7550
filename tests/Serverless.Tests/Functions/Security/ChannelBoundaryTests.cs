using System.Buffers.Text;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Functions.Inbox;
using Serverless.Functions.Chat.Access;
using Serverless.Functions.Chat.Permissions;
using Serverless.Testing;

namespace Serverless.Tests.Functions.Security;

/// <summary>
/// Channels are a boundary: a relay token of team-a, against every relay route and negotiate for
/// team-b, is refused, and nothing of team-b reaches team-a. One app shared by the class (the tests only
/// read or use channels of their own).
/// </summary>
public sealed class ChannelBoundaryTests(ChannelBoundaryTests.TwoTeams teams) : IClassFixture<ChannelBoundaryTests.TwoTeams>
{
    public const string TokenA = "team-a-relay-token-0123456789";
    public const string TokenB = "team-b-relay-token-0123456789";
    public const string AdminToken = "admin-relay-token-0123456789";

    public sealed class TwoTeams : SharedApp
    {
        protected override string? TelegramBotToken => "42:team-bot";

        protected override Dictionary<string, string?> Settings() => new()
        {
            ["Relay:Tokens:0:Secret"] = TokenA,
            ["Relay:Tokens:0:Channels"] = "team-a",
            // Configuration may hold the token's SHA-256 instead of the token.
            ["Relay:Tokens:1:Sha256"] = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(TokenB))),
            ["Relay:Tokens:1:Channels"] = "team-b",
            ["Relay:Tokens:2:Secret"] = AdminToken,
            ["Relay:Tokens:2:Channels"] = "*",
            ["Telegram:NotificationChats:team-b"] = "-900",
        };
    }

    private async Task<HttpResponseMessage> CallAsync(HttpMethod method, string path, string token, object? body = null)
    {
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (body is not null)
        {
            request.Content = new StringContent(System.Text.Json.JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");
        }

        return await teams.Http.SendAsync(request);
    }

    public static TheoryData<string, string, string?> Routes() => new()
    {
        { "POST", "/api/relay/negotiate?channel={0}", null },
        { "POST", "/api/relay/backlog", """{"channel":"{0}","max":10}""" },
        { "POST", "/api/relay/ack", """{"channel":"{0}","receipts":["m:r"]}""" },
        { "POST", "/api/relay/release", """{"channel":"{0}","receipts":["m:r"]}""" },
        { "GET", "/api/relay/events/abc123?channel={0}", null },
        { "GET", "/api/relay/capabilities?channel={0}", null },
        { "POST", "/api/relay/pair", """{"channel":"{0}","code":"ABC234"}""" },
        { "POST", "/api/relay/permission", """{"channel":"{0}","request_id":"abcde","tool_name":"Bash"}""" },
        { "POST", "/api/relay/telegram/reply", """{"channel":"{0}","text":"hi"}""" },
        { "POST", "/api/relay/telegram/react", """{"channel":"{0}","chat_id":"1","message_id":1,"emoji":"👍"}""" },
        { "POST", "/api/relay/telegram/receipt", """{"channel":"{0}","chat_id":"1","message_id":1}""" },
        { "POST", "/api/relay/telegram/edit", """{"channel":"{0}","chat_id":"1","message_id":1,"text":"x"}""" },
        { "POST", "/api/relay/questions", """{"channel":"{0}","question":"Go?","chat_id":"1"}""" },
        { "GET", "/api/relay/questions/0123456789abcdef0123456789abcdef?channel={0}", null },
        { "DELETE", "/api/relay/questions/0123456789abcdef0123456789abcdef?channel={0}", null },
    };

    private Task<HttpResponseMessage> RouteAsync(string method, string path, string? body, string channel, string token)
    {
        using var content = body is null ? null : new StringContent(body.Replace("{0}", channel, StringComparison.Ordinal), Encoding.UTF8, "application/json");
        var request = new HttpRequestMessage(new HttpMethod(method), new Uri(path.Replace("{0}", channel, StringComparison.Ordinal), UriKind.Relative)) { Content = content };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return teams.Http.SendAsync(request);
    }

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task A_token_of_team_a_is_refused_on_every_route_of_team_b(string method, string path, string? body)
    {
        using var other = await RouteAsync(method, path, body, "team-b", TokenA);
        Assert.Equal(HttpStatusCode.Forbidden, other.StatusCode);
        Assert.Contains("not allowed on channel 'team-b'", await other.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // On its own channel the same call passes the token check (whatever the route then answers:
        // react and edit on chat 1 meet the chat gate next); a token stored as a hash works only on its
        // own channel; the admin token works on both.
        await AssertPassesTokenCheckAsync(await RouteAsync(method, path, body, "team-a", TokenA));
        await AssertPassesTokenCheckAsync(await RouteAsync(method, path, body, "team-b", TokenB));
        using var hashedElsewhere = await RouteAsync(method, path, body, "team-a", TokenB);
        Assert.Equal(HttpStatusCode.Forbidden, hashedElsewhere.StatusCode);
        await AssertPassesTokenCheckAsync(await RouteAsync(method, path, body, "team-b", AdminToken));
    }

    private static async Task AssertPassesTokenCheckAsync(HttpResponseMessage response)
    {
        using (response)
        {
            Assert.NotEqual(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.DoesNotContain("relay token is not allowed", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Nothing_of_team_b_reaches_team_a()
    {
        using var webhook = new HttpRequestMessage(HttpMethod.Post, "/api/hooks/generic/team-b") { Content = new StringContent("""{"title":"b's secret"}""", Encoding.UTF8, "application/json") };
        webhook.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "dev-webhook-token");
        Assert.Equal(HttpStatusCode.Accepted, (await teams.Http.SendAsync(webhook)).StatusCode);

        using var backlog = await CallAsync(HttpMethod.Post, "/api/relay/backlog", TokenA, new { channel = "team-a", max = 100 });
        Assert.DoesNotContain("b's secret", await backlog.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(1, teams.Running.Services.GetRequiredService<EmbeddedEventInbox>().Count("team-b"));

        // The client access URL of team-a joins team-a's group only, with no role to join or send elsewhere.
        using var negotiate = await CallAsync(HttpMethod.Post, "/api/relay/negotiate?channel=team-a", TokenA);
        var url = new Uri((string)JsonNode.Parse(await negotiate.Content.ReadAsStringAsync())!["url"]!);
        var token = System.Web.HttpUtility.ParseQueryString(url.Query)["access_token"]!;
        var claims = JsonNode.Parse(Base64Url.DecodeFromChars(token.Split('.')[1]))!;
        var groups = claims["webpubsub.group"] is JsonArray many ? many.Select(g => (string?)g).ToList() : [(string?)claims["webpubsub.group"]];
        Assert.Equal(["team-a"], groups);
        Assert.Null(claims["role"]);
    }

    [Fact]
    public async Task A_relay_of_team_a_cannot_reply_into_team_bs_notification_chat()
    {
        using var reply = await CallAsync(HttpMethod.Post, "/api/relay/telegram/reply", TokenA, new { channel = "team-a", chat_id = "-900", text = "leak" });

        Assert.Equal(HttpStatusCode.Forbidden, reply.StatusCode);
        Assert.DoesNotContain(teams.Telegram.Sent(), m => (string?)m["text"] == "leak");
    }

    [Fact]
    public async Task A_person_paired_for_team_a_gets_no_permission_request_of_team_b_and_cannot_answer_one()
    {
        var store = teams.Running.Services.GetRequiredKeyedService<IChatAccessStore>("telegram");
        await store.AllowAsync("7001", "7001", "team-a", default);
        await store.AllowAsync("7002", "7002", "team-b", default);
        var teamAEvents = teams.Running.Services.GetRequiredService<EmbeddedEventInbox>().Count("team-a");

        using var asked = await CallAsync(HttpMethod.Post, "/api/relay/permission", TokenB, new { channel = "team-b", request_id = "qwxyz", tool_name = "Bash", description = "rm -rf build", input_preview = "rm -rf build" });
        Assert.Equal(HttpStatusCode.OK, asked.StatusCode);
        var requests = teams.Telegram.Sent().Where(m => ((string?)m["text"])?.Contains("qwxyz", StringComparison.Ordinal) == true).ToList();
        Assert.Contains(requests, m => (long)m["chat_id"]! == 7002);
        Assert.DoesNotContain(requests, m => (long)m["chat_id"]! == 7001);

        using var answer = new HttpRequestMessage(HttpMethod.Post, "/api/telegram")
        {
            Content = new StringContent(
                """{"update_id":UPDATE,"callback_query":{"id":"cb1","from":{"id":7001,"is_bot":false,"first_name":"A"},"data":"perm:allow:qwxyz","message":{"message_id":5,"chat":{"id":7001,"type":"private"}}}}"""
                    .Replace("UPDATE", Random.Shared.Next(1, 1_000_000).ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal),
                Encoding.UTF8,
                "application/json"),
        };
        answer.Headers.Add("X-Telegram-Bot-Api-Secret-Token", SharedApp.TelegramSecretToken);
        Assert.Equal(HttpStatusCode.OK, (await teams.Http.SendAsync(answer)).StatusCode);

        var callbackAnswer = teams.Telegram.Sent("answerCallbackQuery").Last(m => (string?)m["callback_query_id"] == "cb1");
        Assert.Equal("There is no permission request qwxyz.", (string?)callbackAnswer["text"]);
        Assert.Null((await teams.Running.Services.GetRequiredService<IPermissionStore>().GetAsync("qwxyz", default))!.Outcome);
        Assert.Equal(teamAEvents, teams.Running.Services.GetRequiredService<EmbeddedEventInbox>().Count("team-a"));
    }

    [Fact]
    public async Task A_relay_of_team_b_cannot_take_over_team_as_permission_request_by_its_id()
    {
        var store = teams.Running.Services.GetRequiredKeyedService<IChatAccessStore>("telegram");
        await store.AllowAsync("7101", "7101", "team-a", default);
        await store.AllowAsync("7102", "7102", "team-a", default);
        using var asked = await CallAsync(HttpMethod.Post, "/api/relay/permission", TokenA, new { channel = "team-a", request_id = "hjkmn", tool_name = "Bash" });
        Assert.Equal(HttpStatusCode.OK, asked.StatusCode);

        using var hijack = await CallAsync(HttpMethod.Post, "/api/relay/permission", TokenB, new { channel = "team-b", request_id = "hjkmn", tool_name = "Bash" });

        Assert.Equal(HttpStatusCode.Conflict, hijack.StatusCode);
        var request = await teams.Running.Services.GetRequiredService<IPermissionStore>().GetAsync("hjkmn", default);
        Assert.Equal(("team-a", (string?)null), (request!.Channel, request.Outcome));
        // Both of team-a's people got the request (one keyboard, sent to two chats).
        Assert.Equal(2, teams.Telegram.Sent().Count(m => ((string?)m["text"])?.Contains("hjkmn", StringComparison.Ordinal) == true && (long)m["chat_id"]! is 7101 or 7102));
    }

    [Fact]
    public async Task A_person_paired_for_team_a_cannot_switch_their_chat_to_team_b()
    {
        var store = teams.Running.Services.GetRequiredKeyedService<IChatAccessStore>("telegram");
        var inbox = teams.Running.Services.GetRequiredService<EmbeddedEventInbox>();
        await store.AllowAsync("7003", "7003", "team-a", default);
        var before = (A: inbox.Count("team-a"), B: inbox.Count("team-b"));

        Assert.Equal(HttpStatusCode.OK, (await teams.TelegramMessageAsync(7003, "/channel team-b")).StatusCode);
        Assert.Contains("not paired for channel 'team-b'", (string?)teams.Telegram.Sent().Last(m => (long)m["chat_id"]! == 7003)["text"], StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await teams.TelegramMessageAsync(7003, "hello")).StatusCode);

        Assert.Equal(before.A + 1, inbox.Count("team-a"));
        Assert.Equal(before.B, inbox.Count("team-b"));
    }
}
