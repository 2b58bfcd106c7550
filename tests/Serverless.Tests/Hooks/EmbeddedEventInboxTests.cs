using Moq;
using Serverless.Functions.Events;
using Serverless.Functions.Inbox;

namespace Serverless.Tests.Hooks;

public class EmbeddedEventInboxTests
{
    private DateTimeOffset _now = new(2026, 11, 25, 0, 0, 0, TimeSpan.Zero);
    private readonly EmbeddedEventInbox _inbox;

    public EmbeddedEventInboxTests()
    {
        var clock = new Mock<TimeProvider>();
        clock.Setup(c => c.GetUtcNow()).Returns(() => _now);
        _inbox = new EmbeddedEventInbox(clock.Object);
    }

    private static ChannelEvent Event(string id, string channel = "ops") => new()
    {
        Id = id, Source = "/hooks/generic", Type = "generic.webhook", Time = DateTimeOffset.UnixEpoch,
        Channel = channel, Kind = "generic", EventType = "webhook", Trust = TrustLevel.ThirdParty, Summary = id,
    };

    [Fact]
    public async Task Receives_oldest_first_and_hides_received_events_until_the_visibility_timeout()
    {
        await _inbox.StoreAsync(Event("a"), default);
        await _inbox.StoreAsync(Event("b"), default);
        await _inbox.StoreAsync(Event("x", channel: "other"), default);

        var first = await _inbox.ReceiveAsync("ops", 10, TimeSpan.FromSeconds(30), default);
        Assert.Equal(["a", "b"], first.Select(i => i.Event.Id));
        Assert.Empty(await _inbox.ReceiveAsync("ops", 10, TimeSpan.FromSeconds(30), default));

        _now = _now.AddSeconds(31);
        var again = await _inbox.ReceiveAsync("ops", 10, TimeSpan.FromSeconds(30), default);
        Assert.Equal(["a", "b"], again.Select(i => i.Event.Id));
        Assert.All(again, i => Assert.Equal(2, i.DeliveryCount));
    }

    [Fact]
    public async Task Acknowledging_removes_for_good_and_a_stale_receipt_removes_nothing()
    {
        var storeReceipt = await _inbox.StoreAsync(Event("a"), default);
        var received = Assert.Single(await _inbox.ReceiveAsync("ops", 10, TimeSpan.FromSeconds(30), default));

        Assert.False(await _inbox.AcknowledgeAsync("ops", storeReceipt, default));
        Assert.Equal(1, _inbox.Count("ops"));
        Assert.True(await _inbox.AcknowledgeAsync("ops", received.Receipt, default));
        Assert.Equal(0, _inbox.Count("ops"));
        Assert.False(await _inbox.AcknowledgeAsync("ops", "garbage", default));
    }

    [Fact]
    public async Task The_store_receipt_acknowledges_an_event_nobody_received()
    {
        var receipt = await _inbox.StoreAsync(Event("a"), default);

        Assert.True(await _inbox.AcknowledgeAsync("ops", receipt, default));
        Assert.Empty(await _inbox.ReceiveAsync("ops", 10, TimeSpan.FromSeconds(1), default));
    }
}
