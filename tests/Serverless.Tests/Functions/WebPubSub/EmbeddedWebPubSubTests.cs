using System.Buffers.Text;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Functions.Events;
using Serverless.Functions.Publishing;
using Serverless.Functions.WebPubSub;
using Serverless.Functions.WebPubSub.Embedded;
using Serverless.Testing;

namespace Serverless.Tests.Functions.WebPubSub;

/// <summary>The embedded endpoint against the published protocol: the same client and publisher code as with Azure.</summary>
public sealed class EmbeddedWebPubSubTests : IAsyncLifetime
{
    private RunningFunctionsApp _app = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _app = await RunningFunctionsApp.StartAsync();
        _client = _app.CreateClient();
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _app.DisposeAsync();
    }

    private string Key => _app.Services.GetRequiredService<EmbeddedAccessKey>().Value;

    private WebPubSubService Publisher(string? key = null) =>
        new(WebPubSubConnection.WithAccessKey(() => _app.BaseUrl, "channels", key ?? Key), TimeProvider.System);

    private async Task<HttpResponseMessage> NegotiateAsync(string? channel, string? token = "dev-relay-token")
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri($"/api/relay/negotiate{(channel is null ? "" : "?channel=" + channel)}", UriKind.Relative));
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return await _client.SendAsync(request);
    }

    private async Task<Uri> AccessUrlAsync(string channel)
    {
        using var response = await NegotiateAsync(channel);
        response.EnsureSuccessStatusCode();
        return new Uri((string)(await response.Content.ReadFromJsonAsync<JsonObject>())!["url"]!);
    }

    private static async Task<ClientWebSocket> ConnectAsync(Uri url)
    {
        var socket = new ClientWebSocket();
        socket.Options.AddSubProtocol(EmbeddedWebPubSubEndpoints.ReliableJsonProtocol);
        await socket.ConnectAsync(url, CancellationToken.None);
        return socket;
    }

    private static async Task<JsonObject> ReceiveAsync(WebSocket socket) => (JsonObject)JsonNode.Parse(await ReceiveTextAsync(socket))!;

    private static Task SendAsync(WebSocket socket, string json) =>
        socket.SendAsync(Encoding.UTF8.GetBytes(json), WebSocketMessageType.Text, true, CancellationToken.None);

    private static BinaryData Json(int n) => BinaryData.FromString($$"""{"n":{{n}}}""");

    [Fact]
    public async Task Negotiate_needs_the_relay_token_and_a_valid_channel()
    {
        using (var response = await NegotiateAsync("ops", token: null))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }

        using (var response = await NegotiateAsync("ops", token: "dev-webhook-token"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }

        using (var response = await NegotiateAsync(null))
        {
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        }

        using (var response = await NegotiateAsync("Not_Valid"))
        {
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        }
    }

    [Fact]
    public async Task The_client_access_token_joins_only_the_callers_channel_and_grants_no_roles()
    {
        var url = await AccessUrlAsync("ops");

        Assert.Equal("ws", url.Scheme);
        Assert.Equal("/client/hubs/channels", url.AbsolutePath);
        var token = Uri.UnescapeDataString(url.Query["?access_token=".Length..]);
        var claims = JsonNode.Parse(Base64Url.DecodeFromChars(token.Split('.')[1]))!.AsObject();
        Assert.Equal("relay-ops", (string?)claims["sub"]);
        Assert.Equal(["ops"], claims["webpubsub.group"]!.AsArray().Select(g => (string?)g));
        Assert.Null(claims["role"]);
        Assert.Equal($"http://{url.Authority}/client/hubs/channels", (string?)claims["aud"]);
    }

    [Fact]
    public async Task A_group_send_reaches_the_groups_reliable_clients_with_sequence_ids()
    {
        using var ops = await ConnectAsync(await AccessUrlAsync("ops"));
        using var other = await ConnectAsync(await AccessUrlAsync("other"));
        var connected = await ReceiveAsync(ops);
        await ReceiveAsync(other);

        Assert.Equal("system", (string?)connected["type"]);
        Assert.Equal("connected", (string?)connected["event"]);
        Assert.Equal("relay-ops", (string?)connected["userId"]);
        Assert.False(string.IsNullOrEmpty((string?)connected["connectionId"]));
        Assert.False(string.IsNullOrEmpty((string?)connected["reconnectionToken"]));

        await Publisher().SendToGroupAsync("ops", Json(1), CancellationToken.None);
        var message = await ReceiveAsync(ops);

        Assert.Equal(1UL, message["sequenceId"]!.GetValue<ulong>());
        Assert.Equal("message", (string?)message["type"]);
        Assert.Equal("group", (string?)message["from"]);
        Assert.Equal("ops", (string?)message["group"]);
        Assert.Equal("json", (string?)message["dataType"]);
        Assert.Equal(1, (int)message["data"]!["n"]!);

        // The other group's client gets nothing: the next frame it sees is the one sent to its own group.
        await Publisher().SendToGroupAsync("other", Json(2), CancellationToken.None);
        Assert.Equal(2, (int)(await ReceiveAsync(other))["data"]!["n"]!);
    }

    private static ChannelEvent Event(int n) => new()
    {
        Id = $"event{n}",
        Source = "/hooks/generic",
        Type = "dev.serverless.webhook",
        Time = DateTimeOffset.UnixEpoch.AddSeconds(n),
        Channel = "ring",
        Kind = "generic",
        EventType = "webhook",
        Trust = "third-party",
        Summary = $"event {n} <b>&amp;</b> \u2028 ü",
    };

    [Fact]
    public async Task The_in_process_ring_delivers_the_same_frames_in_order_as_the_rest_path()
    {
        var ring = _app.Services.GetRequiredService<IEventPublisher>();
        Assert.IsType<EmbeddedEventPublisher>(ring);
        var rest = new WebPubSubEventPublisher(Publisher());
        using var relay = await ConnectAsync(await AccessUrlAsync("ring"));
        await ReceiveAsync(relay);

        // Alternating, so an order kept by one path only would show.
        for (var n = 1; n <= 6; n++)
        {
            await (n % 2 == 0 ? rest : ring).PublishAsync(Event(n), $"receipt-{n}", CancellationToken.None);
        }

        var frames = new List<JsonObject>();
        for (var n = 1; n <= 6; n++)
        {
            frames.Add(await ReceiveAsync(relay));
        }

        Assert.Equal([1UL, 2UL, 3UL, 4UL, 5UL, 6UL], frames.Select(f => f["sequenceId"]!.GetValue<ulong>()));
        Assert.Equal(["event1", "event2", "event3", "event4", "event5", "event6"], frames.Select(f => (string?)f["data"]!["event"]!["id"]));
        var byRing = frames[0].DeepClone().AsObject();
        var byRest = frames[1].DeepClone().AsObject();
        foreach (var frame in new[] { byRing, byRest })
        {
            frame.Remove("sequenceId");
            frame["data"]!["event"]!.AsObject().Remove("id");
            frame["data"]!["event"]!.AsObject().Remove("time");
            frame["data"]!["event"]!.AsObject().Remove("summary");
            frame["data"]!.AsObject().Remove("receipt");
        }

        // Apart from what differs by event, a frame is the same whichever path rang it.
        Assert.Equal(byRest.ToJsonString(), byRing.ToJsonString());
        Assert.Equal("event 1 <b>&amp;</b> \u2028 ü", (string?)frames[0]["data"]!["event"]!["summary"]);
        Assert.Equal("event 2 <b>&amp;</b> \u2028 ü", (string?)frames[1]["data"]!["event"]!["summary"]);
        Assert.Equal("receipt-2", (string?)frames[1]["data"]!["receipt"]);
    }

    [Fact]
    public async Task The_ring_skips_a_channel_nobody_listens_to_and_still_reaches_one_that_is_listened_to()
    {
        var hub = _app.Services.GetRequiredService<EmbeddedWebPubSubHub>();
        var ring = _app.Services.GetRequiredService<IEventPublisher>();
        Assert.False(hub.HasMembers("channels", "quiet"));

        using var relay = await ConnectAsync(await AccessUrlAsync("heard"));
        await ReceiveAsync(relay);
        Assert.True(hub.HasMembers("channels", "heard"));
        Assert.False(hub.HasMembers("channels", "quiet"));
        Assert.False(hub.HasMembers("other-hub", "heard"));

        // The quiet channel's event is in the inbox for a later backlog call; only the heard one rings.
        await ring.PublishAsync(Event(1) with { Channel = "quiet" }, "receipt-1", CancellationToken.None);
        await ring.PublishAsync(Event(2) with { Channel = "heard" }, "receipt-2", CancellationToken.None);

        var frame = await ReceiveAsync(relay);
        Assert.Equal("event2", (string?)frame["data"]!["event"]!["id"]);
        Assert.Equal(1UL, frame["sequenceId"]!.GetValue<ulong>());
    }

    private static async Task<string> ReceiveTextAsync(WebSocket socket)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var buffer = new byte[64 * 1024];
        using var message = new MemoryStream();
        WebSocketReceiveResult result;
        do
        {
            result = await socket.ReceiveAsync(buffer, timeout.Token);
            message.Write(buffer, 0, result.Count);
        }
        while (!result.EndOfMessage);

        return Encoding.UTF8.GetString(message.ToArray());
    }

    [Fact]
    public async Task Each_subprotocol_gets_its_own_frame_of_one_group_message()
    {
        var url = await AccessUrlAsync("modes");
        using var reliable = await ConnectAsync(url);
        using var json = new ClientWebSocket();
        json.Options.AddSubProtocol(EmbeddedWebPubSubEndpoints.JsonProtocol);
        await json.ConnectAsync(url, CancellationToken.None);
        using var raw = new ClientWebSocket();
        await raw.ConnectAsync(url, CancellationToken.None);
        await ReceiveAsync(reliable);
        await ReceiveAsync(json);

        await Publisher().SendToGroupAsync("modes", BinaryData.FromString("""{"n":1,"text":"ü <tag>"}"""), CancellationToken.None);

        var reliableFrame = await ReceiveAsync(reliable);
        var jsonFrame = await ReceiveAsync(json);
        Assert.Equal(1UL, reliableFrame["sequenceId"]!.GetValue<ulong>());
        Assert.Null(jsonFrame["sequenceId"]);
        reliableFrame.Remove("sequenceId");
        Assert.Equal(jsonFrame.ToJsonString(), reliableFrame.ToJsonString());
        Assert.Equal("ü <tag>", (string?)jsonFrame["data"]!["text"]);
        Assert.Equal("modes", (string?)jsonFrame["group"]);
        Assert.Equal("json", (string?)jsonFrame["dataType"]);
        // Without a subprotocol the client gets the data alone, and a text message's text as it is.
        Assert.Equal("ü <tag>", (string?)JsonNode.Parse(await ReceiveTextAsync(raw))!["text"]);
        _app.Services.GetRequiredService<EmbeddedWebPubSubHub>().SendToGroup("channels", "modes", "text", JsonValue.Create("plain \"words\""));
        Assert.Equal("plain \"words\"", await ReceiveTextAsync(raw));
        Assert.Equal("plain \"words\"", (string?)(await ReceiveAsync(json))["data"]);
        Assert.Equal(2UL, (await ReceiveAsync(reliable))["sequenceId"]!.GetValue<ulong>());
    }

    [Fact]
    public async Task A_client_may_not_join_or_send_to_a_group_without_a_role()
    {
        using var ops = await ConnectAsync(await AccessUrlAsync("ops"));
        await ReceiveAsync(ops);

        await SendAsync(ops, """{"type":"joinGroup","group":"secret","ackId":7}""");
        var ack = await ReceiveAsync(ops);

        Assert.Equal("ack", (string?)ack["type"]);
        Assert.Equal(7, (int)ack["ackId"]!);
        Assert.False((bool)ack["success"]!);
        Assert.Equal("Forbidden", (string?)ack["error"]!["name"]);
    }

    [Fact]
    public async Task Malformed_frames_get_an_error_ack_or_are_ignored_and_the_session_lives_on()
    {
        using var ops = await ConnectAsync(await AccessUrlAsync("ops"));
        await ReceiveAsync(ops);

        await SendAsync(ops, """{"type":5,"ackId":1}""");
        var ack = await ReceiveAsync(ops);
        Assert.Equal(1, (int)ack["ackId"]!);
        Assert.False((bool)ack["success"]!);

        await SendAsync(ops, """{"type":"joinGroup","group":"ops","ackId":-1}""");
        await SendAsync(ops, """{"type":"sequenceAck","sequenceId":-5}""");
        await SendAsync(ops, """{"type":"sendToGroup","group":7,"ackId":"x","dataType":[],"data":{}}""");
        await SendAsync(ops, """{"type":"joinGroup","group":"ops","group":"other","ackId":3}""");
        await SendAsync(ops, "not json at all");
        await SendAsync(ops, """{"type":"joinGroup","group":"secret","ackId":2}""");

        var last = await ReceiveAsync(ops);
        Assert.Equal(2, (int)last["ackId"]!);
        Assert.Equal(WebSocketState.Open, ops.State);
    }

    [Fact]
    public async Task A_forged_access_token_is_refused_at_the_handshake()
    {
        var url = await AccessUrlAsync("ops");
        var forged = new UriBuilder(url) { Query = "access_token=" + url.Query[^10..] }.Uri;

        var ex = await Assert.ThrowsAsync<WebSocketException>(() => ConnectAsync(forged));
        Assert.Contains("401", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_send_signed_with_another_key_is_401()
    {
        var ex = await Assert.ThrowsAsync<WebPubSubRequestFailedException>(
            () => Publisher("some-other-key").SendToGroupAsync("ops", Json(1), CancellationToken.None));

        Assert.Equal(401, ex.Status);
    }

    [Fact]
    public async Task A_reconnect_with_the_session_replays_exactly_the_unacknowledged_messages_in_order()
    {
        var url = await AccessUrlAsync("ops");
        var first = await ConnectAsync(url);
        var connected = await ReceiveAsync(first);
        var publisher = Publisher();
        await publisher.SendToGroupAsync("ops", Json(1), CancellationToken.None);
        await publisher.SendToGroupAsync("ops", Json(2), CancellationToken.None);
        Assert.Equal(1UL, (await ReceiveAsync(first))["sequenceId"]!.GetValue<ulong>());
        await SendAsync(first, """{"type":"sequenceAck","sequenceId":1}""");
        Assert.Equal(2UL, (await ReceiveAsync(first))["sequenceId"]!.GetValue<ulong>());
        var hub = _app.Services.GetRequiredService<EmbeddedWebPubSubHub>();
        var session = hub.Resume("channels", (string)connected["connectionId"]!, (string)connected["reconnectionToken"]!)!;
        for (var i = 0; i < 100 && session.BufferedCount != 1; i++)
        {
            await Task.Delay(50);
        }

        Assert.Equal(1, session.BufferedCount);

        // The server drops the socket before message 2 is acknowledged; message 3 is sent while disconnected.
        hub.AbortSockets("channels", "ops");
        await Task.Delay(200);
        first.Dispose();
        await publisher.SendToGroupAsync("ops", Json(3), CancellationToken.None);

        var reconnectUrl = new UriBuilder(url)
        {
            Query = $"awps_connection_id={Uri.EscapeDataString((string)connected["connectionId"]!)}&awps_reconnection_token={Uri.EscapeDataString((string)connected["reconnectionToken"]!)}",
        }.Uri;
        using var second = await ConnectAsync(reconnectUrl);
        var reconnected = await ReceiveAsync(second);

        Assert.Equal((string?)connected["connectionId"], (string?)reconnected["connectionId"]);
        var replay2 = await ReceiveAsync(second);
        var replay3 = await ReceiveAsync(second);
        Assert.Equal((2UL, 2), (replay2["sequenceId"]!.GetValue<ulong>(), (int)replay2["data"]!["n"]!));
        Assert.Equal((3UL, 3), (replay3["sequenceId"]!.GetValue<ulong>(), (int)replay3["data"]!["n"]!));
    }

    [Fact]
    public async Task A_reconnect_to_an_unknown_session_is_closed_with_1008()
    {
        var url = await AccessUrlAsync("ops");
        var reconnectUrl = new UriBuilder(url) { Query = "awps_connection_id=nope&awps_reconnection_token=nope" }.Uri;
        using var socket = await ConnectAsync(reconnectUrl);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));

        var result = await socket.ReceiveAsync(new byte[1024], timeout.Token);

        Assert.Equal(WebSocketMessageType.Close, result.MessageType);
        Assert.Equal(WebSocketCloseStatus.PolicyViolation, result.CloseStatus);
    }
}
