using Microsoft.Extensions.Options;
using Moq;
using Serverless.Functions.Events;
using Serverless.Functions.Inbox;

namespace Serverless.Tests.Functions.Inbox;

public class EmbeddedEventInboxTests
{
    private DateTimeOffset _now = new(2026, 11, 25, 0, 0, 0, TimeSpan.Zero);
    private readonly EmbeddedEventInbox _inbox;

    public EmbeddedEventInboxTests()
    {
        var clock = new Mock<TimeProvider>();
        clock.Setup(c => c.GetUtcNow()).Returns(() => _now);
        _inbox = new EmbeddedEventInbox(clock.Object, Options.Create(new InboxOptions { MaxDeliveryAttempts = 3, MaxInlineBytes = 2048 }));
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

        var first = (await _inbox.ReceiveAsync("ops", 10, TimeSpan.FromSeconds(30), default)).Items;
        Assert.Equal(["a", "b"], first.Select(i => i.Event.Id));
        Assert.Empty((await _inbox.ReceiveAsync("ops", 10, TimeSpan.FromSeconds(30), default)).Items);

        _now = _now.AddSeconds(31);
        var again = (await _inbox.ReceiveAsync("ops", 10, TimeSpan.FromSeconds(30), default)).Items;
        Assert.Equal(["a", "b"], again.Select(i => i.Event.Id));
        Assert.All(again, i => Assert.Equal(2, i.DeliveryCount));
    }

    [Fact]
    public async Task Acknowledging_removes_for_good_and_a_stale_receipt_removes_nothing()
    {
        var storeReceipt = await _inbox.StoreAsync(Event("a"), default);
        var received = Assert.Single((await _inbox.ReceiveAsync("ops", 10, TimeSpan.FromSeconds(30), default)).Items);

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
        Assert.Empty((await _inbox.ReceiveAsync("ops", 10, TimeSpan.FromSeconds(1), default)).Items);
    }

    [Fact]
    public async Task An_event_received_too_often_moves_to_the_dead_letter_queue()
    {
        await _inbox.StoreAsync(Event("a"), default);
        for (var attempt = 1; attempt <= 3; attempt++)
        {
            Assert.Single((await _inbox.ReceiveAsync("ops", 10, TimeSpan.FromSeconds(1), default)).Items);
            _now = _now.AddSeconds(2);
        }

        var batch = await _inbox.ReceiveAsync("ops", 10, TimeSpan.FromSeconds(1), default);

        Assert.Empty(batch.Items);
        var dead = Assert.Single(batch.DeadLettered);
        Assert.Equal(("a", 4L, "dl-ops"), (dead.Id, dead.Attempts, dead.Queue));
        Assert.Equal(0, _inbox.Count("ops"));
        Assert.Equal(1, _inbox.CountDeadLettered("ops"));
    }

    [Fact]
    public async Task A_large_payload_is_kept_aside_and_the_queued_envelope_points_at_it()
    {
        var large = Event("big") with { Data = System.Text.Json.Nodes.JsonValue.Create(new string('x', 10_000)) };
        await _inbox.StoreAsync(large, default);

        var queued = Assert.Single((await _inbox.ReceiveAsync("ops", 10, TimeSpan.FromSeconds(1), default)).Items).Event;
        Assert.Null(queued.Data);
        Assert.Equal("/api/relay/events/big?channel=ops", queued.DataRef);
        Assert.Equal("big", queued.Summary);
        var whole = await _inbox.GetPayloadAsync("ops", "big", default);
        Assert.Equal(10_000, ((string?)whole!.Data)!.Length);
        Assert.Null(await _inbox.GetPayloadAsync("ops", "other", default));
    }

    [Fact]
    public async Task A_released_event_is_visible_again_at_once_and_its_old_receipt_is_stale()
    {
        await _inbox.StoreAsync(Event("a"), default);
        var taken = Assert.Single((await _inbox.ReceiveAsync("ops", 10, TimeSpan.FromSeconds(60), default)).Items);

        Assert.True(await _inbox.ReleaseAsync("ops", taken.Receipt, default));

        var again = Assert.Single((await _inbox.ReceiveAsync("ops", 10, TimeSpan.FromSeconds(60), default)).Items);
        Assert.Equal("a", again.Event.Id);
        Assert.False(await _inbox.ReleaseAsync("ops", taken.Receipt, default));
        Assert.False(await _inbox.AcknowledgeAsync("ops", taken.Receipt, default));
        Assert.False(await _inbox.ReleaseAsync("ops", "not-a-receipt", default));
        Assert.True(await _inbox.AcknowledgeAsync("ops", again.Receipt, default));
    }

    private static EmbeddedEventInbox Bounded(int events, long bytes = long.MaxValue) =>
        new(TimeProvider.System, Options.Create(new InboxOptions { MaxEmbeddedEvents = events, MaxEmbeddedBytes = bytes }));

    [Fact]
    public async Task Past_its_bound_the_inbox_stores_nothing_and_says_what_to_do_until_an_event_is_acknowledged()
    {
        var inbox = Bounded(events: 2);
        var first = await inbox.StoreAsync(Event("a"), default);
        await inbox.StoreAsync(Event("b", channel: "other"), default);

        var full = await Assert.ThrowsAsync<InboxFullException>(() => inbox.StoreAsync(Event("c"), default));

        Assert.Contains("Storage:ConnectionString", full.Message, StringComparison.Ordinal);
        Assert.Equal(1, inbox.Count("ops"));
        Assert.True(await inbox.AcknowledgeAsync("ops", first, default));
        await inbox.StoreAsync(Event("c"), default);
        Assert.Equal("c", Assert.Single((await inbox.ReceiveAsync("ops", 10, TimeSpan.FromSeconds(30), default)).Items).Event.Id);
    }

    [Fact]
    public async Task The_bound_counts_bytes_too()
    {
        var inbox = Bounded(events: 100, bytes: 1500);
        await inbox.StoreAsync(Event("a"), default);

        await Assert.ThrowsAsync<InboxFullException>(() => inbox.StoreAsync(Event("b") with { Data = System.Text.Json.Nodes.JsonValue.Create(new string('x', 2000)) }, default));
    }

    [Fact]
    public async Task An_acknowledged_event_frees_its_kept_aside_payload()
    {
        var large = Event("big") with { Data = System.Text.Json.Nodes.JsonValue.Create(new string('x', 10_000)) };
        await _inbox.StoreAsync(large, default);
        var received = Assert.Single((await _inbox.ReceiveAsync("ops", 10, TimeSpan.FromSeconds(30), default)).Items);
        Assert.NotNull(await _inbox.GetPayloadAsync("ops", "big", default));

        Assert.True(await _inbox.AcknowledgeAsync("ops", received.Receipt, default));

        Assert.Null(await _inbox.GetPayloadAsync("ops", "big", default));
    }

    [Fact]
    public async Task A_large_backlog_drains_oldest_first_each_event_once_with_hidden_ones_interleaved()
    {
        const int Backlog = 20_000;
        var inbox = Bounded(events: Backlog + 10);
        for (var i = 0; i < Backlog; i++)
        {
            await inbox.StoreAsync(Event($"e{i}"), default);
        }

        // Some receives are never acknowledged (hidden for an hour); the rest is taken in batches of 32.
        var seen = new List<string>();
        while ((await inbox.ReceiveAsync("ops", 32, TimeSpan.FromHours(1), default)).Items is { Count: > 0 } batch)
        {
            foreach (var item in batch)
            {
                seen.Add(item.Event.Id);
                if (seen.Count % 7 != 0)
                {
                    Assert.True(await inbox.AcknowledgeAsync("ops", item.Receipt, default));
                }
            }
        }

        Assert.Equal(Enumerable.Range(0, Backlog).Select(i => $"e{i}"), seen);
        Assert.Equal(Backlog / 7, inbox.Count("ops"));
    }

    [Fact]
    public async Task A_hidden_event_whose_time_is_up_comes_back_before_newer_ones_in_arrival_order()
    {
        await _inbox.StoreAsync(Event("a"), default);
        Assert.Single((await _inbox.ReceiveAsync("ops", 1, TimeSpan.FromSeconds(10), default)).Items);
        await _inbox.StoreAsync(Event("b"), default);

        _now = _now.AddSeconds(11);

        Assert.Equal(["a", "b"], (await _inbox.ReceiveAsync("ops", 10, TimeSpan.FromSeconds(10), default)).Items.Select(i => i.Event.Id));
    }
}
