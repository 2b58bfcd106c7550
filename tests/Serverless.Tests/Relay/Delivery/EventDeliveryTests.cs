using Microsoft.Extensions.Logging.Abstractions;
using Moq;
using Serverless.Contracts;
using Serverless.Relay.Channel;
using Serverless.Relay.Connection;
using Serverless.Relay.Delivery;

namespace Serverless.Tests.Relay.Delivery;

public sealed class EventDeliveryTests : IDisposable
{
    private readonly Mock<IChannelSink> _sink = new();
    private readonly Mock<IRelayApi> _api = new();
    private readonly CallLog _calls = new();
    private readonly DeliveredEventLog _log = new();
    private readonly List<ReceiptDelivery?> _deliveries = [];
    private readonly EventDelivery _delivery;

    public EventDeliveryTests()
    {
        _sink.Setup(s => s.SendAsync(It.IsAny<ChannelNotification>(), It.IsAny<CancellationToken>()))
            .Callback<ChannelNotification, CancellationToken>((n, _) => _calls.Add("notify " + n.Meta["event_id"]))
            .Returns(Task.CompletedTask);
        _api.Setup(a => a.AcknowledgeAsync(It.IsAny<IReadOnlyList<string>>(), It.IsAny<IReadOnlyList<ReceiptDelivery?>?>(), It.IsAny<CancellationToken>()))
            .Callback<IReadOnlyList<string>, IReadOnlyList<ReceiptDelivery?>?, CancellationToken>((r, d, _) =>
            {
                _calls.AddEach("ack ", r);
                lock (_deliveries)
                {
                    _deliveries.AddRange(d ?? [.. r.Select(_ => (ReceiptDelivery?)null)]);
                }
            })
            .ReturnsAsync((IReadOnlyList<string> r, IReadOnlyList<ReceiptDelivery?>? _, CancellationToken _) => new AckResponse(r.Count, 0));
        _api.Setup(a => a.ReleaseAsync(It.IsAny<IReadOnlyList<string>>(), It.IsAny<CancellationToken>()))
            .Callback<IReadOnlyList<string>, CancellationToken>((r, _) => _calls.Add("release " + string.Join(",", r)))
            .Returns(Task.CompletedTask);
        _delivery = new EventDelivery(_sink.Object, _api.Object, _log, new RecentEvents(), new RelayStatus(TimeProvider.System), TimeProvider.System, NullLogger<EventDelivery>.Instance);
    }

    public void Dispose()
    {
        _delivery.Dispose();
        _log.Dispose();
    }

    [Fact]
    public async Task Acknowledges_only_after_the_notification_is_written()
    {
        await _delivery.DeliverAsync(EventTranslatorTests.Event("e1", receipt: "m1:r1"), default);
        await _delivery.FlushAcknowledgementsAsync();

        Assert.Equal(["notify e1", "ack m1:r1"], _calls.Snapshot());
    }

    [Fact]
    public async Task The_ack_tells_when_a_doorbell_event_was_taken_and_shown_and_a_duplicate_was_not_shown_again()
    {
        var relayEvent = EventTranslatorTests.Event("e1", receipt: "m1:r1");
        relayEvent.Envelope["traceparent"] = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
        var before = DateTimeOffset.UtcNow;
        await _delivery.DeliverAsync(relayEvent, default);
        await _delivery.DeliverAsync(EventTranslatorTests.Event("e1", receipt: "m1:r2"), default);
        await _delivery.FlushAcknowledgementsAsync();

        Assert.Equal(["notify e1", "ack m1:r1", "ack m1:r2"], _calls.Snapshot());
        var first = Assert.IsType<ReceiptDelivery>(_deliveries[0]);
        Assert.InRange(first.TakenAt!.Value, before, first.ShownAt!.Value);
        Assert.InRange(first.ShownAt.Value, before, DateTimeOffset.UtcNow);
        Assert.Equal("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", first.TraceParent);
        Assert.Null(_deliveries[1]?.ShownAt);
        Assert.Null(_deliveries[1]?.TakenAt);
    }

    [Fact]
    public async Task The_ack_of_a_backlog_event_tells_when_it_was_shown_and_leaves_the_take_to_the_app()
    {
        _api.Setup(a => a.ReceiveBacklogAsync(It.IsAny<int>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(new BacklogBatch([EventTranslatorTests.Event("e7", receipt: "m7:r1")], []));

        await _delivery.DrainBacklogAsync(default);
        await _delivery.FlushAcknowledgementsAsync();

        var delivery = Assert.IsType<ReceiptDelivery>(Assert.Single(_deliveries));
        Assert.Null(delivery.TakenAt);
        Assert.NotNull(delivery.ShownAt);
    }

    [Fact]
    public async Task An_event_that_comes_again_is_acknowledged_but_not_shown_twice()
    {
        await _delivery.DeliverAsync(EventTranslatorTests.Event("e1", receipt: "m1:r1"), default);
        await _delivery.DeliverAsync(EventTranslatorTests.Event("e1", receipt: "m1:r2"), default);
        await _delivery.FlushAcknowledgementsAsync();

        Assert.Equal(["notify e1", "ack m1:r1", "ack m1:r2"], _calls.Snapshot());
    }

    [Fact]
    public async Task A_failed_notification_is_not_acknowledged()
    {
        _sink.Setup(s => s.SendAsync(It.IsAny<ChannelNotification>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new IOException("stdout closed"));

        await Assert.ThrowsAsync<IOException>(() => _delivery.DeliverAsync(EventTranslatorTests.Event("e1"), default));
        await _delivery.FlushAcknowledgementsAsync();

        _api.Verify(a => a.AcknowledgeAsync(It.IsAny<IReadOnlyList<string>>(), It.IsAny<IReadOnlyList<ReceiptDelivery?>?>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Fact]
    public async Task An_event_taken_but_not_shown_is_released_at_once()
    {
        _sink.Setup(s => s.SendAsync(It.IsAny<ChannelNotification>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new IOException("stdout closed"));

        await Assert.ThrowsAsync<IOException>(() => _delivery.DeliverAsync(EventTranslatorTests.Event("e1", receipt: "m1:r1"), default));
        await _delivery.FlushAcknowledgementsAsync();

        Assert.Equal(["release m1:r1"], _calls.Snapshot());
    }

    [Fact]
    public async Task A_receive_under_way_when_the_relay_stops_is_finished_and_its_events_released_not_left_hidden()
    {
        var answer = new TaskCompletionSource<BacklogBatch>();
        var receiveToken = CancellationToken.None;
        _api.Setup(a => a.ReceiveBacklogAsync(It.IsAny<int>(), It.IsAny<CancellationToken>()))
            .Callback<int, CancellationToken>((_, ct) => receiveToken = ct)
            .Returns(answer.Task);
        using var stopping = new CancellationTokenSource();

        var drain = _delivery.DrainBacklogAsync(stopping.Token);
        _delivery.BeginClosing();
        await stopping.CancelAsync();
        // The app has hidden these events already: only their receipts can bring them back before the visibility timeout.
        Assert.False(receiveToken.IsCancellationRequested);
        answer.SetResult(new BacklogBatch([EventTranslatorTests.Event("e1", receipt: "r1"), EventTranslatorTests.Event("e2", receipt: "r2")], []));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => drain);
        Assert.Equal(["release r1,r2"], _calls.Snapshot());
    }

    [Fact]
    public async Task A_notification_under_way_when_the_relay_stops_is_finished_and_acknowledged()
    {
        var written = new TaskCompletionSource();
        var writeToken = CancellationToken.None;
        _sink.Setup(s => s.SendAsync(It.IsAny<ChannelNotification>(), It.IsAny<CancellationToken>()))
            .Callback<ChannelNotification, CancellationToken>((_, ct) => writeToken = ct)
            .Returns(written.Task);
        using var stopping = new CancellationTokenSource();

        var delivering = _delivery.DeliverAsync(EventTranslatorTests.Event("e1", receipt: "m1:r1"), stopping.Token);
        _delivery.BeginClosing();
        await stopping.CancelAsync();
        // Cut off, the write could leave half a line on stdout; finished, the event is shown and can be acknowledged.
        Assert.False(writeToken.IsCancellationRequested);
        written.SetResult();
        await delivering;
        await _delivery.FlushAcknowledgementsAsync();

        Assert.Equal(["ack m1:r1"], _calls.Snapshot());
    }

    [Fact]
    public async Task A_notification_the_closing_budget_cuts_off_is_still_released()
    {
        // The write never finishes (a session that stopped reading); the closing budget runs out and cancels it. The
        // release that follows must not inherit that cancelled budget: a real HttpClient fails at once on a cancelled
        // token, and the event would then wait out its visibility timeout (RelayCloseTests saw 1 of 400 so, on SIGINT).
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();
        var sink = new Mock<IChannelSink>();
        sink.Setup(s => s.SendAsync(It.IsAny<ChannelNotification>(), It.IsAny<CancellationToken>()))
            .Returns((ChannelNotification _, CancellationToken ct) => Task.Delay(Timeout.Infinite, ct));
        _api.Setup(a => a.ReleaseAsync(It.IsAny<IReadOnlyList<string>>(), It.IsAny<CancellationToken>()))
            .Returns((IReadOnlyList<string> r, CancellationToken ct) =>
            {
                if (ct.IsCancellationRequested)
                {
                    return Task.FromCanceled(ct);
                }

                _calls.Add("release " + string.Join(",", r));
                return Task.CompletedTask;
            });
        using var log = new DeliveredEventLog();
        using var delivery = new EventDelivery(sink.Object, _api.Object, log, new RecentEvents(), new RelayStatus(clock), clock, NullLogger<EventDelivery>.Instance);

        var delivering = delivery.DeliverAsync(EventTranslatorTests.Event("e1", receipt: "m1:r1"), default);
        delivery.BeginClosing();
        clock.Advance(EventDelivery.ClosingBudget);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => delivering);
        Assert.Equal(["release m1:r1"], _calls.Snapshot());
    }

    [Fact]
    public async Task A_drain_cut_short_acknowledges_what_was_shown_and_releases_the_rest()
    {
        _sink.Setup(s => s.SendAsync(It.Is<ChannelNotification>(n => n.Meta["event_id"] == "e2"), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new OperationCanceledException("the session ended"));
        _api.SetupSequence(a => a.ReceiveBacklogAsync(It.IsAny<int>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(new BacklogBatch(
                [EventTranslatorTests.Event("e1", receipt: "r1"), EventTranslatorTests.Event("e2", receipt: "r2"), EventTranslatorTests.Event("e3", receipt: "r3")], []));

        await Assert.ThrowsAsync<OperationCanceledException>(() => _delivery.DrainBacklogAsync(default));
        await _delivery.FlushAcknowledgementsAsync();

        // The acknowledgement goes through the batcher, so it may be sent before or after the release.
        var calls = _calls.Snapshot();
        Assert.Equal("notify e1", calls[0]);
        Assert.Equal(["ack r1", "release r2,r3"], calls.Skip(1).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_failed_release_is_not_fatal_and_the_original_failure_surfaces()
    {
        _sink.Setup(s => s.SendAsync(It.IsAny<ChannelNotification>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new IOException("stdout closed"));
        _api.Setup(a => a.ReleaseAsync(It.IsAny<IReadOnlyList<string>>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new RelayApiException("app down"));

        await Assert.ThrowsAsync<IOException>(() => _delivery.DeliverAsync(EventTranslatorTests.Event("e1"), default));
    }

    [Fact]
    public async Task A_failed_acknowledgement_is_not_fatal()
    {
        _api.Setup(a => a.AcknowledgeAsync(It.IsAny<IReadOnlyList<string>>(), It.IsAny<IReadOnlyList<ReceiptDelivery?>?>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new RelayApiException("down"));

        await _delivery.DeliverAsync(EventTranslatorTests.Event("e1"), default);
        await _delivery.FlushAcknowledgementsAsync();

        _sink.Verify(s => s.SendAsync(It.IsAny<ChannelNotification>(), It.IsAny<CancellationToken>()), Times.Once);
    }

    [Fact]
    public async Task Draining_delivers_the_backlog_in_order_and_acknowledges_each_event_after_showing_it()
    {
        _api.SetupSequence(a => a.ReceiveBacklogAsync(It.IsAny<int>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(new BacklogBatch([EventTranslatorTests.Event("e1", receipt: "r1"), EventTranslatorTests.Event("e2", receipt: "r2")], []))
            .ReturnsAsync(BacklogBatch.Empty);

        var count = await _delivery.DrainBacklogAsync(default);
        await _delivery.FlushAcknowledgementsAsync();

        Assert.Equal(2, count);
        var calls = _calls.Snapshot();
        Assert.Equal(["notify e1", "notify e2"], calls.Where(c => c.StartsWith("notify", StringComparison.Ordinal)));
        Assert.Equal(["ack r1", "ack r2"], calls.Where(c => c.StartsWith("ack", StringComparison.Ordinal)));
        Assert.True(calls.IndexOf("notify e1") < calls.IndexOf("ack r1"));
        Assert.True(calls.IndexOf("notify e2") < calls.IndexOf("ack r2"));
    }

    [Fact]
    public async Task Dead_lettered_events_are_counted_and_do_not_stop_the_drain()
    {
        var status = new RelayStatus(TimeProvider.System);
        using var log = new DeliveredEventLog();
        using var delivery = new EventDelivery(_sink.Object, _api.Object, log, new RecentEvents(), status, TimeProvider.System, NullLogger<EventDelivery>.Instance);
        _api.SetupSequence(a => a.ReceiveBacklogAsync(It.IsAny<int>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(new BacklogBatch([EventTranslatorTests.Event("e1", receipt: "r1")], [new DeadLetteredEvent("e0", "generic", 6, "dl-ops")]))
            .ReturnsAsync(BacklogBatch.Empty);

        Assert.Equal(1, await delivery.DrainBacklogAsync(default));
        Assert.Equal(1, status.Snapshot().DeadLettered);
        Assert.Equal(1, status.Snapshot().Delivered);
    }

    /// <summary>What the session and the API saw, in order; the API is called from the batcher's own thread.</summary>
    private sealed class CallLog
    {
        private readonly Lock _gate = new();
        private readonly List<string> _calls = [];

        public void Add(string call)
        {
            lock (_gate)
            {
                _calls.Add(call);
            }
        }

        public void AddEach(string prefix, IEnumerable<string> items)
        {
            lock (_gate)
            {
                _calls.AddRange(items.Select(i => prefix + i));
            }
        }

        public List<string> Snapshot()
        {
            lock (_gate)
            {
                return [.. _calls];
            }
        }
    }
}
