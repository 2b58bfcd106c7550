using System.Net;
using System.Text;
using Serverless.Relay;
using Serverless.Relay.Connection;

namespace Serverless.Tests.Relay.Connection;

/// <summary>The WebSocket URL negotiate hands out, held to the same rule as the app's URL: plain ws only to this machine.</summary>
public sealed class PlainTextRuleTests
{
    private static RelayApiClient Client(NegotiateOnly app) => new(
        new HttpClient(app),
        new RelaySettings { Url = new Uri("http://127.0.0.1:7071"), Channel = "ops", Token = "relay-token", StateFile = "unused" });

    [Theory]
    [InlineData("ws://relay.invalid/client/hubs/relay?access_token=secret-access")]
    [InlineData("ws://10.0.0.8/client/hubs/relay?access_token=secret-access")]
    public async Task A_plain_ws_url_to_another_machine_is_refused_before_any_connection_with_a_message_that_says_wss(string url)
    {
        var app = new NegotiateOnly(url);

        var refused = await Assert.ThrowsAsync<RelayApiException>(() => Client(app).NegotiateAsync(default));

        var target = new Uri(url);
        Assert.Equal(
            $"http://127.0.0.1:7071/ answered negotiate with a plain ws:// url to another machine (ws://{target.Host}/client/hubs/relay); refusing it: the WebSocket must use wss (wss://{target.Host}/client/hubs/relay), plain ws is only for localhost, 127.0.0.0/8 and ::1.",
            refused.Message);
        Assert.DoesNotContain("secret-access", refused.Message, StringComparison.Ordinal);
        Assert.Equal(1, app.Calls);
    }

    [Theory]
    [InlineData("ws://127.0.0.1:7071/client/hubs/relay?access_token=a")]
    [InlineData("ws://localhost:7071/client/hubs/relay?access_token=a")]
    [InlineData("wss://relay.webpubsub.azure.com/client/hubs/relay?access_token=a")]
    public async Task Plain_ws_to_this_machine_and_wss_anywhere_are_taken(string url)
    {
        Assert.Equal(new Uri(url), await Client(new NegotiateOnly(url)).NegotiateAsync(default));
    }

    /// <summary>Answers POST /api/relay/negotiate as the app does, with the given WebSocket URL; anything else is a 404.</summary>
    private sealed class NegotiateOnly(string url) : HttpMessageHandler
    {
        public int Calls { get; private set; }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Calls++;
            if (request.Method != HttpMethod.Post || request.RequestUri!.AbsolutePath != "/api/relay/negotiate" || request.Headers.Authorization?.Parameter != "relay-token")
            {
                return Task.FromResult(new HttpResponseMessage(HttpStatusCode.NotFound));
            }

            var body = $$"""{"url":"{{url}}","channel":"ops","expires_on":"2030-01-01T00:00:00Z"}""";
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(body, Encoding.UTF8, "application/json") });
        }
    }
}
