using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Functions.Inbox;
using Serverless.Testing;

namespace Serverless.Tests.Functions.Security;

/// <summary>
/// Every public route against input an attacker or a broken sender would send: each is answered as
/// documented (never 500), nothing is stored, and the app stays healthy.
/// </summary>
public sealed class BadInputTests(BadInputTests.App fixture) : IClassFixture<BadInputTests.App>
{
    public const string GitHubSecret = "github-secret-0123456789";

    public sealed class App : SharedApp
    {
        protected override string? TelegramBotToken => "42:bad-input-bot";

        protected override Dictionary<string, string?> Settings() => new()
        {
            ["Sources:github:Secret"] = GitHubSecret,
            ["Relay:Tokens:0:Secret"] = "bad-input-relay-token-0123",
            ["Relay:Tokens:0:Channels"] = "*",
            ["Telegram:AllowedUsers:0"] = "5",
        };
    }

    public enum Route
    {
        Generic,
        GitHub,
        Telegram,
        RelayBacklog,
        RelayAck,
        RelayReply,
    }

    public enum Input
    {
        Truncated,
        InvalidUtf8,
        DuplicateKeys,
        DeepNesting,
        TenMiBWithLength,
        TenMiBChunked,
        WrongContentType,
        SignedWithAnotherSecret,
        NotAnObject,
    }

    private static readonly string DuplicateKeys = """{"update_id":1,"update_id":2,"channel":"bad","channel":"bad2","title":"a","title":"b","message":{"text":"x"}}""";

    private static byte[] Body(Input input) => input switch
    {
        Input.Truncated => """{"title":"dep"""u8.ToArray(),
        Input.InvalidUtf8 => [.. """{"update_id":3,"channel":"bad","title":"""u8, (byte)'"', 0xC3, 0x28, 0xFF, (byte)'"', (byte)'}'],
        Input.DuplicateKeys => Encoding.UTF8.GetBytes(DuplicateKeys),
        Input.DeepNesting => Encoding.UTF8.GetBytes(new string('[', 5000) + new string(']', 5000)),
        Input.TenMiBWithLength or Input.TenMiBChunked => Encoding.UTF8.GetBytes("{\"title\":\"" + new string('x', 10 * 1024 * 1024) + "\"}"),
        Input.WrongContentType => "<xml>not json</xml>"u8.ToArray(),
        Input.NotAnObject => "[1,{\"update_id\":5}]"u8.ToArray(),
        _ => """{"title":"fine","channel":"bad","update_id":4}"""u8.ToArray(),
    };

    private static HttpRequestMessage Request(Route route, Input input)
    {
        var body = Body(input);
        HttpContent content = input == Input.TenMiBChunked ? new StreamContent(new ChunkedStream(body)) : new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue(input == Input.WrongContentType ? "application/xml" : "application/json");
        var (path, auth) = route switch
        {
            Route.Generic => ("/api/hooks/generic/bad", "dev-webhook-token"),
            Route.GitHub => ("/api/hooks/github/bad", null),
            Route.Telegram => ("/api/telegram", null),
            Route.RelayBacklog => ("/api/relay/backlog", "bad-input-relay-token-0123"),
            Route.RelayAck => ("/api/relay/ack", "bad-input-relay-token-0123"),
            _ => ("/api/relay/telegram/reply", "bad-input-relay-token-0123"),
        };
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = content };
        if (auth is not null)
        {
            // The bearer routes' "another secret" is a token of the right shape that is not theirs.
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", input == Input.SignedWithAnotherSecret ? "another-token-0123456789abcdef" : auth);
        }

        if (input is Input.TenMiBWithLength)
        {
            // A server that refuses a body by its length does not read it: with Expect: 100-continue the client sends
            // the body only when asked to, so the 413 sent at once is read instead of a broken pipe.
            request.Headers.ExpectContinue = true;
        }

        if (route == Route.GitHub)
        {
            var secret = input == Input.SignedWithAnotherSecret ? "another-secret-0123456789" : GitHubSecret;
            request.Headers.Add("X-Hub-Signature-256", "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body)));
            request.Headers.Add("X-GitHub-Event", "push");
            request.Headers.Add("X-GitHub-Delivery", Guid.NewGuid().ToString());
        }

        if (route == Route.Telegram)
        {
            request.Headers.Add("X-Telegram-Bot-Api-Secret-Token", input == Input.SignedWithAnotherSecret ? "another-secret-token-0123" : SharedApp.TelegramSecretToken);
        }

        return request;
    }

    public static TheoryData<Route, Input> Cases()
    {
        var cases = new TheoryData<Route, Input>();
        foreach (var route in Enum.GetValues<Route>())
        {
            foreach (var input in Enum.GetValues<Input>())
            {
                cases.Add(route, input);
            }
        }

        return cases;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Bad_input_gets_its_documented_answer_stores_nothing_and_leaves_the_app_healthy(Route route, Input input)
    {
        var inbox = fixture.Running.Services.GetRequiredService<EmbeddedEventInbox>();
        var before = inbox.Count("bad") + inbox.Count("default");

        using var request = Request(route, input);
        using var response = input == Input.TenMiBChunked
            ? new HttpResponseMessage(await SendChunkedReadingTheAnswerAsync(fixture.Http.BaseAddress!, request, Body(input)))
            : await fixture.Http.SendAsync(request);

        HttpStatusCode[] expected = (route, input) switch
        {
            (_, Input.TenMiBWithLength or Input.TenMiBChunked) => [HttpStatusCode.RequestEntityTooLarge],
            (_, Input.SignedWithAnotherSecret) => [HttpStatusCode.Unauthorized],
            // Generic accepts any content type as text.
            (Route.Generic, Input.WrongContentType) => [HttpStatusCode.Accepted],
            // The relay API reads only the fields it knows: a duplicate or an invalid UTF-8 in another field changes nothing.
            (Route.RelayBacklog or Route.RelayAck or Route.RelayReply, Input.DuplicateKeys or Input.InvalidUtf8) => [HttpStatusCode.OK, HttpStatusCode.BadRequest, HttpStatusCode.UnsupportedMediaType, HttpStatusCode.NotFound],
            (Route.RelayBacklog or Route.RelayAck or Route.RelayReply, Input.WrongContentType) => [HttpStatusCode.UnsupportedMediaType, HttpStatusCode.BadRequest],
            (Route.GitHub, Input.WrongContentType) => [HttpStatusCode.BadRequest, HttpStatusCode.OK],
            // A JSON array is a valid generic webhook; GitHub answers an unreadable event 200 or 400.
            (Route.Generic, Input.NotAnObject) => [HttpStatusCode.Accepted],
            (Route.GitHub, Input.NotAnObject) => [HttpStatusCode.OK, HttpStatusCode.BadRequest],
            _ => [HttpStatusCode.BadRequest],
        };
        Assert.True(expected.Contains(response.StatusCode), $"{route}/{input}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");

        var stored = inbox.Count("bad") + inbox.Count("default") - before;
        Assert.Equal(response.StatusCode == HttpStatusCode.Accepted ? 1 : 0, stored);
        using var health = await fixture.Http.GetAsync("/api/health");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }

    [Fact]
    public async Task A_replayed_github_delivery_is_answered_200_and_stored_once()
    {
        var inbox = fixture.Running.Services.GetRequiredService<EmbeddedEventInbox>();
        var body = """{"action":"opened","issue":{"number":1,"title":"Flaky test","html_url":"https://github.com/o/r/issues/1","user":{"login":"u"}},"repository":{"full_name":"o/r"},"sender":{"login":"u"}}"""u8.ToArray();
        var signature = "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(GitHubSecret), body));
        var delivery = Guid.NewGuid().ToString();
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 2; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/hooks/github/replay") { Content = new ByteArrayContent(body) };
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            request.Headers.Add("X-Hub-Signature-256", signature);
            request.Headers.Add("X-GitHub-Event", "issues");
            request.Headers.Add("X-GitHub-Delivery", delivery);
            using var response = await fixture.Http.SendAsync(request);
            statuses.Add(response.StatusCode);
        }

        Assert.Equal([HttpStatusCode.Accepted, HttpStatusCode.OK], statuses);
        Assert.Equal(1, inbox.Count("replay"));
    }

    [Fact]
    public async Task Oversized_headers_are_refused_by_the_server_and_the_app_stays_healthy()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/hooks/generic/bad") { Content = new StringContent("{}") };
        request.Headers.Add("X-Padding", new string('a', 64 * 1024));

        using var response = await fixture.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestHeaderFieldsTooLarge, response.StatusCode);
        using var health = await fixture.Http.GetAsync("/api/health");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }

    /// <summary>
    /// A chunked body sent by hand, reading the answer while it is sent. A server that refuses a body part-way answers
    /// and closes; HttpClient then reports the broken pipe of its send, even with Expect: 100-continue, instead of the
    /// answer. Here the status line is read as soon as it comes; a connection closed without one fails the test.
    /// </summary>
    private static async Task<HttpStatusCode> SendChunkedReadingTheAnswerAsync(Uri server, HttpRequestMessage request, byte[] body)
    {
        const int Chunk = 64 * 1024;
        using var tcp = new System.Net.Sockets.TcpClient();
        await tcp.ConnectAsync(server.Host, server.Port);
        var stream = tcp.GetStream();
        var head = new StringBuilder($"POST {request.RequestUri} HTTP/1.1\r\nHost: {server.Authority}\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n");
        foreach (var (name, values) in request.Headers.Concat(request.Content!.Headers).Where(h => h.Key != "Expect"))
        {
            head.Append(System.Globalization.CultureInfo.InvariantCulture, $"{name}: {string.Join(",", values)}\r\n");
        }

        await stream.WriteAsync(Encoding.ASCII.GetBytes(head.Append("\r\n").ToString()));
        var answer = ReadStatusAsync(stream);
        try
        {
            for (var offset = 0; offset < body.Length && !answer.IsCompleted; offset += Chunk)
            {
                var size = Math.Min(Chunk, body.Length - offset);
                await stream.WriteAsync(Encoding.ASCII.GetBytes($"{size:x}\r\n"));
                await stream.WriteAsync(body.AsMemory(offset, size));
                await stream.WriteAsync("\r\n"u8.ToArray());
            }

            if (!answer.IsCompleted)
            {
                await stream.WriteAsync("0\r\n\r\n"u8.ToArray());
            }
        }
        catch (IOException)
        {
            // The server stopped reading: its answer was sent before it closed.
        }

        return await answer;
    }

    private static async Task<HttpStatusCode> ReadStatusAsync(System.Net.Sockets.NetworkStream stream)
    {
        var buffer = new byte[4096];
        var read = 0;
        int n;
        while (read < buffer.Length && (n = await stream.ReadAsync(buffer.AsMemory(read))) > 0)
        {
            read += n;
            var text = Encoding.ASCII.GetString(buffer, 0, read);
            if (text.Contains("\r\n", StringComparison.Ordinal))
            {
                return (HttpStatusCode)int.Parse(text.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        throw new InvalidOperationException("The server closed the connection without a status line.");
    }

    /// <summary>A stream of unknown length, so the client sends the body chunked, without Content-Length.</summary>
    private sealed class ChunkedStream(byte[] data) : MemoryStream(data)
    {
        public override bool CanSeek => false;
    }
}
