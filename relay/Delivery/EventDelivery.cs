using Microsoft.Extensions.Logging;
using Serverless.Contracts;
using Serverless.Relay.Channel;
using Serverless.Relay.Connection;
using Serverless.Relay.Questions;

namespace Serverless.Relay.Delivery;

/// <summary>
/// The one path from an event to Claude Code: skip what was already shown, notify, then acknowledge.
/// Serialised, so the doorbell, the backlog drain and the safety poll never interleave. Acknowledging
/// only queues the receipt once the notification is written (<see cref="AckBatcher"/> sends the queued
/// receipts in batches, off this path). An event taken from the queue but not shown (the session went
/// away, the write failed) is released at once, so it does not wait out its visibility timeout. When the relay
/// stops (<see cref="BeginClosing"/>), what is in hand is settled within <see cref="ClosingBudget"/>: a receive or a
/// notification under way is finished, not cut off, the events shown are acknowledged and the rest released.
/// </summary>
public sealed partial class EventDelivery(
    IChannelSink sink,
    IRelayApi api,
    DeliveredEventLog delivered,
    RecentEvents recent,
    RelayStatus status,
    TimeProvider timeProvider,
    ILogger<EventDelivery> logger,
    AckBatcherOptions? acknowledgements = null,
    QuestionSignals? questions = null) : IDisposable
{
    private const int BacklogBatchSize = 32;
    // Release and the last acknowledgements often run because the relay is stopping (within 2 s of stdin closing).
    private static readonly TimeSpan CleanupDeadline = TimeSpan.FromMilliseconds(800);
    /// <summary>From the start of the stop to the last acknowledgement: inside Claude Code's SIGKILL (about 500 ms after it closes stdin).</summary>
    public static readonly TimeSpan ClosingBudget = TimeSpan.FromMilliseconds(400);
    // The last acknowledgements get at least this, even past the budget: a loopback or nearby app answers within it.
    private static readonly TimeSpan MinimumFlush = TimeSpan.FromMilliseconds(50);

    private readonly SemaphoreSlim _serial = new(1, 1);
    // What is under way (a receive, a notification) runs to its end unless the closing budget runs out: a receive
    // cut off leaves its events hidden in the queue with no receipt to release them by, and a write cut off can
    // leave half a line on stdout.
    private readonly CancellationTokenSource _closing = new(Timeout.InfiniteTimeSpan, timeProvider);
    private long _closingStartedAt;
    private readonly AckBatcher _acks = new(api, timeProvider, logger, acknowledgements);
    private readonly AcknowledgedReceipts _acknowledged = new(DeliveredEventLog.DefaultCapacity);

    public async Task DeliverAsync(RelayEvent relayEvent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(relayEvent);
        // A doorbell is a take the app does not see (a backlog take is its own step): the relay tells it with the ack.
        var takenAt = timeProvider.GetUtcNow();
        using var take = RelayTelemetry.StartTake(relayEvent.Id, relayEvent.Attribute("traceparent"));
        try
        {
            await _serial.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            await ReleaseAsync([relayEvent.Receipt]).ConfigureAwait(false);
            throw;
        }

        try
        {
            bool shown;
            try
            {
                shown = await NotifyOnceAsync(relayEvent, _closing.Token).ConfigureAwait(false);
            }
            catch
            {
                await ReleaseAsync([relayEvent.Receipt]).ConfigureAwait(false);
                throw;
            }

            if (shown || !_acknowledged.Covers(relayEvent.Id, relayEvent.Receipt))
            {
                Acknowledge(relayEvent, received: false, shown ? takenAt : null, shown);
            }
            else
            {
                // A doorbell for an event whose newest receipt is already acknowledged (or queued): typically
                // one that rang while a backlog drain took and showed the event. Its receipt is older, hence stale.
                LogAlreadyAcknowledged(relayEvent.Id);
            }
        }
        finally
        {
            _serial.Release();
        }
    }

    /// <summary>Delivers everything waiting in the inbox, oldest first; returns how many events it saw.</summary>
    public async Task<int> DrainBacklogAsync(CancellationToken cancellationToken)
    {
        await _serial.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var total = 0;
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var batch = await api.ReceiveBacklogAsync(BacklogBatchSize, _closing.Token).ConfigureAwait(false);
                foreach (var dead in batch.DeadLettered)
                {
                    status.CountDeadLettered();
                    LogDeadLettered(dead.Id, dead.Kind, dead.Attempts, dead.Queue);
                }

                if (batch.Events.Count == 0)
                {
                    return total;
                }

                var handled = 0;
                try
                {
                    foreach (var relayEvent in batch.Events)
                    {
                        // Stopping: the events not yet shown go back to the queue (below), for the next session.
                        cancellationToken.ThrowIfCancellationRequested();
                        using var take = RelayTelemetry.StartTake(relayEvent.Id, relayEvent.Attribute("traceparent"));
                        var shown = await NotifyOnceAsync(relayEvent, _closing.Token).ConfigureAwait(false);
                        // The receipt of a receive is the event's newest: acknowledged whether shown now or before.
                        Acknowledge(relayEvent, received: true, takenAt: null, shown);
                        handled++;
                    }
                }
                catch
                {
                    await ReleaseAsync([.. batch.Events.Skip(handled).Select(e => e.Receipt)]).ConfigureAwait(false);
                    throw;
                }

                total += batch.Events.Count;
                if (batch.Events.Count + batch.DeadLettered.Count < BacklogBatchSize)
                {
                    return total;
                }
            }
        }
        finally
        {
            _serial.Release();
        }
    }

    /// <summary>The relay is stopping: from now on, what is under way has <see cref="ClosingBudget"/> to finish.</summary>
    public void BeginClosing()
    {
        if (Interlocked.CompareExchange(ref _closingStartedAt, timeProvider.GetTimestamp(), 0) == 0)
        {
            _closing.CancelAfter(ClosingBudget);
        }
    }

    /// <summary>
    /// Sends the queued acknowledgements and takes no more, within what is left of <see cref="ClosingBudget"/> (or
    /// <see cref="CleanupDeadline"/>): the relay is stopping. What is not sent by then comes again after the
    /// visibility timeout and is skipped as a duplicate.
    /// </summary>
    public Task FlushAcknowledgementsAsync()
    {
        var startedAt = Interlocked.Read(ref _closingStartedAt);
        var left = startedAt == 0 ? CleanupDeadline : ClosingBudget - timeProvider.GetElapsedTime(startedAt);
        return _acks.FlushAsync(left > MinimumFlush ? left : MinimumFlush);
    }

    public void Dispose()
    {
        _acks.Dispose();
        _serial.Dispose();
        _closing.Dispose();
    }

    /// <summary>Shows the event unless it was shown before; true when it was shown now.</summary>
    private async Task<bool> NotifyOnceAsync(RelayEvent relayEvent, CancellationToken cancellationToken)
    {
        if (delivered.Contains(relayEvent.Id))
        {
            status.CountDuplicate();
            LogDuplicate(relayEvent.Id);
            return false;
        }

        var decision = relayEvent.Decision;
        if (decision == DecisionKind.Permission
            && relayEvent.Attribute("requestid") is { } requestId
            && PermissionRequestId.IsValid(requestId)
            && PermissionBehaviorNames.FromWire(relayEvent.Attribute("behavior")) is { } behavior)
        {
            // A permission answer from a paired chat goes back to Claude Code as the answer itself.
            await sink.SendPermissionAsync(requestId, behavior.ToWire(), cancellationToken).ConfigureAwait(false);
        }
        else if (questions is not null && QuestionAnswerEvent.QuestionId(relayEvent) is { } questionId)
        {
            // The answer to an ask_user call goes to that call, which reads it from the function app and returns
            // it as the tool's result; it is deliberately not also shown as a channel event. With no call
            // waiting (a relay restarted since it asked), it stays in the app, where asking again finds it.
            if (!questions.Signal(questionId))
            {
                LogAnswerWithoutCall(relayEvent.Id, questionId);
            }
        }
        else
        {
            if (decision is null && DecisionEvents.LooksLikeDecision(relayEvent.Attribute("eventtype")))
            {
                // Shown, not dropped: the app accepted it, so it is not lost, and the session reads it as what it is,
                // an untrusted event under its own trust and kind (the request id and behaviour are not in its meta).
                LogNotADecision(relayEvent.Id, relayEvent.Attribute("kind") ?? "unknown", relayEvent.Attribute("trust") ?? "none", relayEvent.Envelope.ContainsKey("replayof"));
            }

            await sink.SendAsync(EventTranslator.Translate(relayEvent), cancellationToken).ConfigureAwait(false);
        }

        delivered.Add(relayEvent.Id);
        recent.Add(relayEvent);
        status.CountDelivered();
        LogDelivered(relayEvent.Id);
        return true;
    }

    /// <summary>
    /// Queues the receipt for the batcher, never waiting on the call, with what the app's history cannot see: when
    /// a doorbell's event was taken, when the event was shown (now, if it was), and its trace context.
    /// </summary>
    private void Acknowledge(RelayEvent relayEvent, bool received, DateTimeOffset? takenAt, bool shown)
    {
        _acknowledged.Record(relayEvent.Id, relayEvent.Receipt, received);
        _acks.Enqueue(relayEvent.Receipt, new ReceiptDelivery(takenAt, shown ? timeProvider.GetUtcNow() : null, relayEvent.Attribute("traceparent")));
    }

    /// <summary>
    /// Best effort, with its own short deadline: it often runs because the relay is stopping. Not tied to the closing
    /// budget: a release is what settles an event that budget cut off, so it must still go out once the budget is spent
    /// (a loopback or nearby app answers in milliseconds; a kill before then leaves the event to its visibility timeout).
    /// </summary>
    private async Task ReleaseAsync(IReadOnlyList<string> receipts)
    {
        if (receipts.Count == 0)
        {
            return;
        }

        using var deadline = new CancellationTokenSource(CleanupDeadline, timeProvider);
        try
        {
            await api.ReleaseAsync(receipts, deadline.Token).ConfigureAwait(false);
            LogReleased(receipts.Count);
        }
        catch (Exception ex) when (ex is RelayApiException or OperationCanceledException)
        {
            // They come back after the visibility timeout instead.
            LogReleaseFailed(receipts.Count, ex.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Delivered event {EventId} to Claude Code")]
    private partial void LogDelivered(string eventId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Event {EventId} ({Kind}) could not be delivered after {Attempts} attempts and was moved to dead-letter queue {Queue}")]
    private partial void LogDeadLettered(string eventId, string kind, long attempts, string queue);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Event {EventId} was already delivered; not showing it again")]
    private partial void LogDuplicate(string eventId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Released {Count} event(s) that were taken but not shown; they are back in the queue")]
    private partial void LogReleased(int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not release {Count} event(s) taken but not shown ({Reason}); they come back after the visibility timeout")]
    private partial void LogReleaseFailed(int count, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Event {EventId} answers question {QuestionId}, which no ask_user call waits for now; the function app keeps the answer for a call that asks again")]
    private partial void LogAnswerWithoutCall(string eventId, string questionId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Event {EventId} has a decision's event type but is no decision (kind {Kind}, trust {Trust}, replay {IsReplay}); showing it as an ordinary event, not acting on it")]
    private partial void LogNotADecision(string eventId, string kind, string trust, bool isReplay);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Event {EventId} was already delivered and its newest receipt acknowledged; ignoring this doorbell")]
    private partial void LogAlreadyAcknowledged(string eventId);
}
