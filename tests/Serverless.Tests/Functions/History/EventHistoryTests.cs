using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Moq;
using Serverless.Functions.Events;
using Serverless.Functions.History;
using Serverless.Functions.Hooks;
using Serverless.Functions.Inbox;
using Serverless.Functions.Publishing;
using Serverless.Functions.Sources;

namespace Serverless.Tests.Functions.History;

/// <summary>The ingress writes an event's first steps to its history off the webhook's path, and a history that fails loses no event.</summary>
public class EventHistoryTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 9, 30, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider _clock = new(Now);
    private readonly Mock<IEventInbox> _inbox = new();
    private readonly Mock<IEventPublisher> _publisher = new();
    private readonly EmbeddedEventHistoryStore _store = new();

    public EventHistoryTests()
    {
        _inbox.Setup(i => i.StoreAsync(It.IsAny<ChannelEvent>(), It.IsAny<CancellationToken>()))
            .Callback(() => _clock.Advance(TimeSpan.FromMilliseconds(20))).ReturnsAsync("m1:r1");
        _publisher.Setup(p => p.PublishAsync(It.IsAny<ChannelEvent>(), It.IsAny<string>(), It.IsAny<CancellationToken>()))
            .Callback(() => _clock.Advance(TimeSpan.FromMilliseconds(5))).ReturnsAsync(true);
    }

    private EventHistory History(IEventHistoryStore? store = null, int maxPending = 10_000) =>
        new(store ?? _store, _clock, Options.Create(new HistoryOptions { MaxPendingNotes = maxPending }), NullLogger<EventHistory>.Instance);

    private EventIngress Ingress(EventHistory history) => new(_inbox.Object, _publisher.Object, _clock, NullLogger<EventIngress>.Instance, history);

    private static EventDraft Draft() => new() { EventType = "webhook", Summary = "disk full on db-1", Trust = TrustLevel.ThirdParty };

    [Fact]
    public async Task An_accepted_event_has_received_stored_and_rung_in_order_with_what_it_is()
    {
        var history = History();

        var stored = await Ingress(history).AcceptAsync("generic", "ops", Draft(), default);
        Assert.Null(await _store.GetAsync("ops", stored.Id, default));
        await history.DrainAsync(default);

        var entry = await _store.GetAsync("ops", stored.Id, default);
        Assert.NotNull(entry);
        Assert.Equal("generic", entry.Kind);
        Assert.Equal("generic.webhook", entry.Type);
        Assert.Equal("disk full on db-1", entry.Summary);
        Assert.Equal([EventStep.Received, EventStep.Stored, EventStep.Rung], entry.Steps.Select(s => s.Step));
        // Rung when the doorbell was sent, not when the call returned: a relay may take the event in between.
        Assert.Equal([Now, Now.AddMilliseconds(20), Now.AddMilliseconds(20)], entry.Steps.Select(s => s.At));
        Assert.Equal(EventStep.Rung, entry.Status);
    }

    [Fact]
    public async Task A_doorbell_that_fails_leaves_the_event_stored_and_not_rung()
    {
        _publisher.Setup(p => p.PublishAsync(It.IsAny<ChannelEvent>(), It.IsAny<string>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new HttpRequestException("web pubsub down"));
        var history = History();

        var stored = await Ingress(history).AcceptAsync("generic", "ops", Draft(), default);
        await history.DrainAsync(default);

        var entry = await _store.GetAsync("ops", stored.Id, default);
        Assert.Equal([EventStep.Received, EventStep.Stored], entry!.Steps.Select(s => s.Step));
    }

    [Fact]
    public async Task A_doorbell_no_relay_listens_to_is_not_rung()
    {
        _publisher.Setup(p => p.PublishAsync(It.IsAny<ChannelEvent>(), It.IsAny<string>(), It.IsAny<CancellationToken>())).ReturnsAsync(false);
        var history = History();

        var stored = await Ingress(history).AcceptAsync("generic", "ops", Draft(), default);
        await history.DrainAsync(default);

        var entry = await _store.GetAsync("ops", stored.Id, default);
        Assert.Equal([EventStep.Received, EventStep.Stored], entry!.Steps.Select(s => s.Step));
    }

    [Fact]
    public async Task A_history_that_cannot_be_written_fails_no_event()
    {
        var broken = new Mock<IEventHistoryStore>();
        broken.Setup(s => s.WriteAsync(It.IsAny<IReadOnlyList<HistoryNote>>(), It.IsAny<CancellationToken>())).ThrowsAsync(new IOException("table down"));
        var history = History(broken.Object);

        var stored = await Ingress(history).AcceptAsync("generic", "ops", Draft(), default);
        await history.DrainAsync(default);

        Assert.Equal(32, stored.Id.Length);
        _inbox.Verify(i => i.StoreAsync(It.Is<ChannelEvent>(e => e.Id == stored.Id), It.IsAny<CancellationToken>()), Times.Once);
        broken.Verify(s => s.WriteAsync(It.IsAny<IReadOnlyList<HistoryNote>>(), It.IsAny<CancellationToken>()), Times.Once);
    }

    [Fact]
    public async Task A_full_history_queue_drops_notes_without_holding_the_caller()
    {
        var history = History(maxPending: 100);

        for (var i = 0; i < 150; i++)
        {
            history.Record("ops", $"e{i}", EventStep.Taken);
        }

        Assert.Equal(50, history.Dropped);
        await history.DrainAsync(default);
        Assert.Equal(100, (await _store.ListAsync("ops", new HistoryQuery(Limit: HistoryQuery.MaxLimit), default)).Count);
    }

    [Fact]
    public async Task Later_steps_merge_into_the_same_event_and_the_status_is_the_latest()
    {
        var history = History();
        var stored = await Ingress(history).AcceptAsync("generic", "ops", Draft(), default);
        _clock.Advance(TimeSpan.FromSeconds(1));
        history.Record("ops", stored.Id, EventStep.Taken);
        _clock.Advance(TimeSpan.FromSeconds(1));
        history.Record("ops", stored.Id, EventStep.DeadLettered, "taken 5 times without an acknowledgement");
        await history.DrainAsync(default);

        var entry = await _store.GetAsync("ops", stored.Id, default);
        Assert.Equal([EventStep.Received, EventStep.Stored, EventStep.Rung, EventStep.Taken, EventStep.DeadLettered], entry!.Steps.Select(s => s.Step));
        Assert.Equal(EventStep.DeadLettered, entry.Status);
        Assert.Equal("taken 5 times without an acknowledgement", entry.Steps[^1].Detail);
        Assert.Equal([stored.Id], (await _store.ListAsync("ops", new HistoryQuery(Status: EventStep.DeadLettered), default)).Select(e => e.EventId));
        Assert.Empty(await _store.ListAsync("ops", new HistoryQuery(Status: EventStep.Acknowledged), default));
    }
}
