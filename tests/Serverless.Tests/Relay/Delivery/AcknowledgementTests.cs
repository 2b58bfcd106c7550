using System.Collections.Concurrent;
using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using Moq;
using Serverless.Contracts;
using Serverless.Relay.Channel;
using Serverless.Relay.Connection;
using Serverless.Relay.Delivery;

namespace Serverless.Tests.Relay.Delivery;

/// <summary>
/// Acknowledgements are batched and sent off the delivery path: many receipts a call, never before the event
/// was shown, duplicates without a second write, stale answers final, failed calls retried without holding
/// up the next event, and what is queued flushed on shutdown. Waits use a stepped clock, never wall-clock time.
/// </summary>
public sealed class AcknowledgementTests : IDisposable
{
    private readonly Mock<IChannelSink> _sink = new();
    private readonly Mock<IRelayApi> _api = new();
    private readonly ConcurrentQueue<string> _shown = new();
    private readonly ConcurrentQueue<IReadOnlyList<string>> _ackCalls = new();
    private readonly DeliveredEventLog _log = new();
    private readonly RelayStatus _status = new(TimeProvider.System);
    private readonly SteppedTimeProvider _time = new();
    private EventDelivery? _delivery;

    public AcknowledgementTests()
    {
        _sink.Setup(s => s.SendAsync(It.IsAny<ChannelNotification>(), It.IsAny<CancellationToken>()))
            .Callback<ChannelNotification, CancellationToken>((n, _) => _shown.Enqueue(n.Meta["event_id"]))
            .Returns(Task.CompletedTask);
        AnswerAcks((receipts, _) => Task.FromResult(new AckResponse(receipts.Count, 0)));
    }

    public void Dispose()
    {
        _delivery?.Dispose();
        _log.Dispose();
    }

    private IReadOnlyList<string> Acknowledged => [.. _ackCalls.SelectMany(c => c)];

    /// <summary>Events named e{i} carry receipt m{i}:{suffix}.</summary>
    private static RelayEvent Event(int i, string suffix = "stored") => EventTranslatorTests.Event($"e{i}", receipt: $"m{i}:{suffix}");

    private void AnswerAcks(Func<IReadOnlyList<string>, CancellationToken, Task<AckResponse>> answer) =>
        _api.Setup(a => a.AcknowledgeAsync(It.IsAny<IReadOnlyList<string>>(), It.IsAny<IReadOnlyList<ReceiptDelivery?>?>(), It.IsAny<CancellationToken>()))
            .Returns((IReadOnlyList<string> receipts, IReadOnlyList<ReceiptDelivery?>? _, CancellationToken ct) =>
            {
                _ackCalls.Enqueue([.. receipts]);
                return answer(receipts, ct);
            });

    private EventDelivery Delivery(AckBatcherOptions? options = null, TimeProvider? time = null) =>
        _delivery = new EventDelivery(_sink.Object, _api.Object, _log, new RecentEvents(), _status, time ?? _time, NullLogger<EventDelivery>.Instance, options);

    /// <summary>No linger, so the stepped clock only has to move for backoff and deadlines.</summary>
    private EventDelivery SteppedDelivery(int maxAttempts = 6) =>
        Delivery(new AckBatcherOptions { Linger = TimeSpan.Zero, MaxAttempts = maxAttempts });

    [Fact]
    public async Task A_burst_of_events_is_acknowledged_in_fewer_calls_than_events_and_none_before_it_was_shown()
    {
        const int Events = 50;
        var firstCall = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var notShownYet = new ConcurrentQueue<string>();
        AnswerAcks(async (receipts, _) =>
        {
            foreach (var receipt in receipts.Where(r => !_shown.Contains("e" + r[1..r.IndexOf(':', StringComparison.Ordinal)])))
            {
                notShownYet.Enqueue(receipt);
            }

            if (_ackCalls.Count == 1)
            {
                // The first call hangs until the whole burst has been delivered.
                await firstCall.Task;
            }

            return new AckResponse(receipts.Count, 0);
        });
        var delivery = Delivery(time: TimeProvider.System);

        for (var i = 0; i < Events; i++)
        {
            await delivery.DeliverAsync(Event(i), default);
        }

        // Every event was shown while the first ack call was still unanswered: delivery never waits on one.
        Assert.Equal(Events, _shown.Count);
        firstCall.SetResult();
        await delivery.FlushAcknowledgementsAsync();

        Assert.Equal(Enumerable.Range(0, Events).Select(i => $"m{i}:stored"), Acknowledged);
        Assert.True(_ackCalls.Count < Events, $"{_ackCalls.Count} ack calls for {Events} events");
        Assert.InRange(_ackCalls.Count, 1, 2);
        Assert.Empty(notShownYet);
    }

    [Fact]
    public async Task A_backlog_drain_acknowledges_in_fewer_calls_than_events()
    {
        _api.SetupSequence(a => a.ReceiveBacklogAsync(It.IsAny<int>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(new BacklogBatch([.. Enumerable.Range(0, 32).Select(i => Event(i, "received"))], []))
            .ReturnsAsync(new BacklogBatch([.. Enumerable.Range(32, 8).Select(i => Event(i, "received"))], []));
        var delivery = Delivery(new AckBatcherOptions { Linger = TimeSpan.FromHours(1) });

        Assert.Equal(40, await delivery.DrainBacklogAsync(default));
        await delivery.FlushAcknowledgementsAsync();

        Assert.Equal(Enumerable.Range(0, 40).Select(i => $"m{i}:received"), Acknowledged);
        Assert.True(_ackCalls.Count < 40);
    }

    [Fact]
    public async Task A_duplicate_doorbell_is_acknowledged_without_a_second_write_to_the_session()
    {
        // Shown by an earlier run: the delivered log outlives the relay.
        _log.Add("e1");
        var delivery = SteppedDelivery();

        await delivery.DeliverAsync(Event(1), default);
        await delivery.FlushAcknowledgementsAsync();

        Assert.Empty(_shown);
        Assert.Equal(["m1:stored"], Acknowledged);
        Assert.Equal(1, _status.Snapshot().DuplicatesSkipped);
    }

    [Fact]
    public async Task A_doorbell_that_rings_twice_is_shown_once_and_its_receipt_acknowledged_once()
    {
        var delivery = SteppedDelivery();

        await delivery.DeliverAsync(Event(1), default);
        await delivery.DeliverAsync(Event(1), default);
        await delivery.FlushAcknowledgementsAsync();

        Assert.Equal(["e1"], _shown);
        Assert.Equal(["m1:stored"], Acknowledged);
    }

    [Fact]
    public async Task Doorbells_queued_during_a_backlog_drain_cost_no_acknowledgement_for_events_the_drain_acknowledged()
    {
        _api.SetupSequence(a => a.ReceiveBacklogAsync(It.IsAny<int>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(new BacklogBatch([.. Enumerable.Range(1, 5).Select(i => Event(i, "received"))], []));
        var delivery = SteppedDelivery();

        await delivery.DrainBacklogAsync(default);
        // The doorbells of the same events, with the receipts of the store: stale since the drain received them.
        for (var i = 1; i <= 5; i++)
        {
            await delivery.DeliverAsync(Event(i), default);
            await delivery.DeliverAsync(Event(i), default);
        }

        await delivery.FlushAcknowledgementsAsync();

        Assert.Equal(["e1", "e2", "e3", "e4", "e5"], _shown);
        Assert.Equal(Enumerable.Range(1, 5).Select(i => $"m{i}:received"), Acknowledged);
        Assert.Equal(10, _status.Snapshot().DuplicatesSkipped);
    }

    [Fact]
    public async Task An_event_shown_from_a_doorbell_that_comes_again_in_the_backlog_is_acknowledged_with_its_new_receipt()
    {
        _api.SetupSequence(a => a.ReceiveBacklogAsync(It.IsAny<int>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(new BacklogBatch([Event(1, "received")], []));
        var delivery = SteppedDelivery();

        await delivery.DeliverAsync(Event(1), default);
        await delivery.DrainBacklogAsync(default);
        await delivery.DeliverAsync(Event(1), default);
        await delivery.FlushAcknowledgementsAsync();

        Assert.Equal(["e1"], _shown);
        Assert.Equal(["m1:stored", "m1:received"], Acknowledged);
    }

    /// <summary>Two events one after the other: the first batch's answer must not bring it back.</summary>
    private async Task AssertEachBatchIsSentOnceAsync()
    {
        var delivery = SteppedDelivery();

        await delivery.DeliverAsync(Event(1), default);
        await Eventually.TrueAsync(() => _ackCalls.Count == 1);
        await delivery.DeliverAsync(Event(2), default);
        // A retry of the first batch would come before the second one (or wait on the clock, which never moves).
        await Eventually.TrueAsync(() => _ackCalls.Count == 2);
        await delivery.FlushAcknowledgementsAsync();

        Assert.Equal([["m1:stored"], ["m2:stored"]], _ackCalls);
    }

    [Fact]
    public async Task A_stale_answer_is_not_retried()
    {
        AnswerAcks((receipts, _) => Task.FromResult(new AckResponse(0, receipts.Count)));

        await AssertEachBatchIsSentOnceAsync();
    }

    [Fact]
    public async Task A_refused_ack_call_is_not_retried()
    {
        AnswerAcks((receipts, _) => receipts.Contains("m1:stored")
            ? throw new RelayApiException("refused the relay token") { Status = HttpStatusCode.Unauthorized }
            : Task.FromResult(new AckResponse(receipts.Count, 0)));

        await AssertEachBatchIsSentOnceAsync();
    }

    [Fact]
    public async Task A_failing_ack_call_is_retried_and_then_succeeds_without_delaying_the_next_event()
    {
        var failures = 1;
        var succeeded = new ConcurrentQueue<string>();
        AnswerAcks((receipts, _) =>
        {
            if (Interlocked.Decrement(ref failures) >= 0)
            {
                throw new RelayApiException("the function app answered 503 to ack") { Status = HttpStatusCode.ServiceUnavailable };
            }

            foreach (var receipt in receipts)
            {
                succeeded.Enqueue(receipt);
            }

            return Task.FromResult(new AckResponse(receipts.Count, 0));
        });
        var delivery = SteppedDelivery();

        await delivery.DeliverAsync(Event(1), default);
        await Eventually.TrueAsync(() => _ackCalls.Count == 1);
        // The retry waits out its backoff on a clock that has not moved, and the next event is shown regardless.
        await delivery.DeliverAsync(Event(2), default);
        Assert.Equal(["e1", "e2"], _shown);
        Assert.Empty(succeeded);

        await _time.AdvanceWhenWaitingAsync(TimeSpan.FromMinutes(1));
        await Eventually.TrueAsync(() => succeeded.Count == 2);

        Assert.Equal(["m1:stored", "m2:stored"], succeeded);
        Assert.Equal([["m1:stored"], ["m1:stored"], ["m2:stored"]], _ackCalls);
    }

    [Fact]
    public async Task A_failing_ack_call_is_given_up_after_a_bounded_number_of_attempts_and_later_receipts_still_go()
    {
        AnswerAcks((receipts, _) => receipts.Contains("m1:stored")
            ? throw new RelayApiException("cannot reach the function app")
            : Task.FromResult(new AckResponse(receipts.Count, 0)));
        var delivery = SteppedDelivery(maxAttempts: 3);

        await delivery.DeliverAsync(Event(1), default);
        await Eventually.TrueAsync(() => _ackCalls.Count == 1);
        await _time.AdvanceWhenWaitingAsync(TimeSpan.FromMinutes(1));
        await Eventually.TrueAsync(() => _ackCalls.Count == 2);
        await _time.AdvanceWhenWaitingAsync(TimeSpan.FromMinutes(1));
        await Eventually.TrueAsync(() => _ackCalls.Count == 3);
        await delivery.DeliverAsync(Event(2), default);
        await Eventually.TrueAsync(() => _ackCalls.Count == 4);

        Assert.Equal([["m1:stored"], ["m1:stored"], ["m1:stored"], ["m2:stored"]], _ackCalls);
        Assert.Equal(0, _time.PendingTimers);
    }

    [Fact]
    public async Task On_shutdown_queued_receipts_are_flushed()
    {
        // A linger the clock never ends: only the flush sends what is queued.
        var delivery = Delivery(new AckBatcherOptions { Linger = TimeSpan.FromHours(1) });
        for (var i = 1; i <= 3; i++)
        {
            await delivery.DeliverAsync(Event(i), default);
        }

        Assert.Empty(_ackCalls);
        await delivery.FlushAcknowledgementsAsync();

        Assert.Equal([["m1:stored", "m2:stored", "m3:stored"]], _ackCalls);
    }

    [Fact]
    public async Task On_shutdown_a_failing_ack_call_is_not_retried_and_the_flush_ends()
    {
        AnswerAcks((_, _) => throw new RelayApiException("the function app answered 500 to ack") { Status = HttpStatusCode.InternalServerError });
        var delivery = Delivery(new AckBatcherOptions { Linger = TimeSpan.FromHours(1) });
        await delivery.DeliverAsync(Event(1), default);

        await delivery.FlushAcknowledgementsAsync();

        Assert.Equal([["m1:stored"]], _ackCalls);
    }

    [Fact]
    public async Task A_flush_that_cannot_finish_gives_up_at_the_deadline_and_takes_no_more_receipts()
    {
        AnswerAcks(async (_, ct) =>
        {
            await Task.Delay(Timeout.Infinite, ct);
            return new AckResponse(0, 0);
        });
        var delivery = SteppedDelivery();
        await delivery.DeliverAsync(Event(1), default);
        await Eventually.TrueAsync(() => _ackCalls.Count == 1);

        var flush = delivery.FlushAcknowledgementsAsync();
        await _time.AdvanceWhenWaitingAsync(TimeSpan.FromSeconds(1));
        await flush.WaitAsync(TimeSpan.FromSeconds(30));

        // A late event is still shown; its receipt is left to the visibility timeout (it comes again as a duplicate).
        await delivery.DeliverAsync(Event(2), default);
        Assert.Equal(["e1", "e2"], _shown);
        Assert.Single(_ackCalls);
    }
}
