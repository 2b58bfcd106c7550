using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Serverless.Relay;
using Serverless.Relay.Connection;

namespace Serverless.Tests.Relay.Connection;

/// <summary>The relay's chat calls go to the transport the chat id names, and a reply without one to the transport that has the notification chat.</summary>
public sealed class ChatRoutingTests
{
    [Theory]
    [InlineData("111", "telegram")]
    [InlineData("-1001234567890", "telegram")]
    [InlineData("slack:C0123ABC", "slack")]
    [InlineData("slack:C0123ABC:1700000000.000100", "slack")]
    [InlineData("discord:123456789012345678", "discord")]
    [InlineData("Weird:1", "telegram")]
    [InlineData(":1", "telegram")]
    public void A_chat_id_names_its_transport_by_its_prefix_and_bare_ids_are_telegrams(string chatId, string transport) =>
        Assert.Equal(transport, ChatReference.TransportOf(chatId));

    [Fact]
    public async Task Reply_react_edit_and_receipt_post_to_the_route_of_the_chats_transport()
    {
        var calls = new List<(string Path, JsonNode? Body)>();
        using var http = new HttpClient(new RecordingHandler(calls, """{"telegram":true,"permission_relay":true,"notification_transport":"discord"}"""));
        var api = new RelayApiClient(http, Settings());

        await api.ReplyAsync("slack:C1:1.5", "hi", "1.5", null, default);
        await api.ReactAsync("discord:42", "43", "👀", default);
        await api.EditAsync("111", "9", "done", default);
        await api.ReceiptAsync("slack:D1", "2.5", default);
        await api.ReplyAsync(null, "to the notification chat", null, null, default);

        Assert.Equal(
            ["/api/relay/slack/reply", "/api/relay/discord/react", "/api/relay/telegram/edit", "/api/relay/slack/receipt", "/api/relay/capabilities", "/api/relay/discord/reply"],
            calls.Select(c => c.Path));
        Assert.Equal("1.5", (string?)calls[0].Body!["reply_to"]);
        Assert.Equal("43", (string?)calls[1].Body!["message_id"]);
    }

    [Fact]
    public async Task A_reply_without_chat_goes_to_telegram_when_the_app_names_no_notification_transport()
    {
        var calls = new List<(string Path, JsonNode? Body)>();
        using var http = new HttpClient(new RecordingHandler(calls, """{"telegram":true,"permission_relay":false}"""));

        await new RelayApiClient(http, Settings()).ReplyAsync(null, "hi", null, null, default);

        Assert.Equal("/api/relay/telegram/reply", calls[^1].Path);
    }

    private static RelaySettings Settings() =>
        new() { Url = new Uri("http://127.0.0.1:9/"), Channel = "default", Token = "chat-routing-token", StateFile = Path.GetTempFileName() };

    /// <summary>Answers capabilities with the given JSON and every chat call as the app would.</summary>
    private sealed class RecordingHandler(List<(string Path, JsonNode? Body)> calls, string capabilities) : HttpMessageHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var path = request.RequestUri!.AbsolutePath;
            calls.Add((path, request.Content is null ? null : JsonNode.Parse(await request.Content.ReadAsStringAsync(cancellationToken))));
            var body = path.EndsWith("/capabilities", StringComparison.Ordinal)
                ? capabilities
                : path.EndsWith("/receipt", StringComparison.Ordinal) ? """{"reacted":true}""" : """{"chat_id":"x","message_ids":["1"]}""";
            return new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        }
    }
}
