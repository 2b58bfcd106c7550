using Microsoft.Extensions.Logging.Abstractions;
using Moq;
using Serverless.Relay;
using Serverless.Relay.Channel;
using Serverless.Relay.Connection;
using Serverless.Relay.Delivery;
using Serverless.Testing;

namespace Serverless.Tests.Relay.Delivery;

/// <summary>The relay's real API client against the running app: an event taken but not shown is back in the queue at once.</summary>
public sealed class ReleaseTests
{
    [Fact]
    public async Task An_event_the_session_could_not_take_is_offered_again_at_once_not_after_the_visibility_timeout()
    {
        await using var app = await RunningFunctionsApp.StartAsync();
        using var http = app.CreateClient();
        var id = await Webhook.PostAcceptedAsync(http, "rel", new { title = "once" });

        var settings = new RelaySettings
        {
            Url = app.BaseUrl, Channel = "rel", Token = "dev-relay-token", StateFile = Path.GetTempFileName(), VisibilityTimeout = TimeSpan.FromMinutes(10),
        };
        var api = new RelayApiClient(http, settings);
        var sink = new Mock<IChannelSink>();
        sink.Setup(s => s.SendAsync(It.IsAny<ChannelNotification>(), It.IsAny<CancellationToken>())).ThrowsAsync(new IOException("stdout closed"));
        using var log = new DeliveredEventLog();
        using var delivery = new EventDelivery(sink.Object, api, log, new RecentEvents(), new RelayStatus(TimeProvider.System), TimeProvider.System, NullLogger<EventDelivery>.Instance);

        await Assert.ThrowsAsync<IOException>(() => delivery.DrainBacklogAsync(default));

        var again = await api.ReceiveBacklogAsync(10, default);
        Assert.Equal(id, Assert.Single(again.Events).Id);
    }

    [Fact]
    public async Task Release_needs_a_relay_token_and_valid_receipts()
    {
        await using var app = await RunningFunctionsApp.StartAsync();
        using var http = app.CreateClient();

        using var anonymous = await http.PostAsync("/api/relay/release", new StringContent("""{"channel":"rel","receipts":["a:b"]}""", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, anonymous.StatusCode);

        using var empty = new HttpRequestMessage(HttpMethod.Post, "/api/relay/release")
        {
            Content = new StringContent("""{"channel":"rel","receipts":[]}""", System.Text.Encoding.UTF8, "application/json"),
        };
        empty.Headers.Authorization = new("Bearer", "dev-relay-token");
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, (await http.SendAsync(empty)).StatusCode);
    }
}
