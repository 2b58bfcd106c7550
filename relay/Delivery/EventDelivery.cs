using Microsoft.Extensions.Logging;
using Serverless.Relay.Channel;
using Serverless.Relay.Connection;

namespace Serverless.Relay.Delivery;

/// <summary>
/// The one path from an event to Claude Code: skip what was already shown, notify, then acknowledge.
/// Serialised, so the doorbell, the backlog drain and the safety poll never interleave. An event
/// taken from the queue but not shown (the session went away, the write failed) is released at once,
/// so it does not wait out its visibility timeout.
/// </summary>
public sealed partial class EventDelivery(
    IChannelSink sink,
    IRelayApi api,
    DeliveredEventLog delivered,
    RecentEvents recent,
    RelayStatus status,
    ILogger<EventDelivery> logger) : IDisposable
{
    private const int BacklogBatchSize = 32;
    // Release and the last acknowledgement often run because the relay is stopping (within 2 s of stdin closing).
    private static readonly TimeSpan CleanupDeadline = TimeSpan.FromMilliseconds(800);
    private readonly SemaphoreSlim _serial = new(1, 1);

    public async Task DeliverAsync(RelayEvent relayEvent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(relayEvent);
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
            try
            {
                await NotifyOnceAsync(relayEvent, cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                await ReleaseAsync([relayEvent.Receipt]).ConfigureAwait(false);
                throw;
            }

            await AcknowledgeAsync([relayEvent.Receipt], cancellationToken).ConfigureAwait(false);
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
                var batch = await api.ReceiveBacklogAsync(BacklogBatchSize, cancellationToken).ConfigureAwait(false);
                foreach (var dead in batch.DeadLettered)
                {
                    status.CountDeadLettered();
                    LogDeadLettered(dead.Id, dead.Kind, dead.Attempts, dead.Queue);
                }

                if (batch.Events.Count == 0)
                {
                    return total;
                }

                var receipts = new List<string>(batch.Events.Count);
                try
                {
                    foreach (var relayEvent in batch.Events)
                    {
                        await NotifyOnceAsync(relayEvent, cancellationToken).ConfigureAwait(false);
                        receipts.Add(relayEvent.Receipt);
                    }
                }
                catch
                {
                    await ReleaseAsync([.. batch.Events.Skip(receipts.Count).Select(e => e.Receipt)]).ConfigureAwait(false);
                    using (var deadline = new CancellationTokenSource(CleanupDeadline))
                    {
                        await AcknowledgeAsync(receipts, deadline.Token).ConfigureAwait(false);
                    }

                    throw;
                }

                await AcknowledgeAsync(receipts, cancellationToken).ConfigureAwait(false);
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

    public void Dispose() => _serial.Dispose();

    private async Task NotifyOnceAsync(RelayEvent relayEvent, CancellationToken cancellationToken)
    {
        if (delivered.Contains(relayEvent.Id))
        {
            status.CountDuplicate();
            LogDuplicate(relayEvent.Id);
            return;
        }

        if (relayEvent.Attribute("eventtype") == "permission"
            && relayEvent.Attribute("requestid") is { } requestId
            && PermissionRequestId.IsValid(requestId)
            && relayEvent.Attribute("behavior") is "allow" or "deny")
        {
            // A permission answer from a paired chat goes back to Claude Code as the answer itself.
            await sink.SendPermissionAsync(requestId, relayEvent.Attribute("behavior")!, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await sink.SendAsync(EventTranslator.Translate(relayEvent), cancellationToken).ConfigureAwait(false);
        }

        delivered.Add(relayEvent.Id);
        recent.Add(relayEvent);
        status.CountDelivered();
        LogDelivered(relayEvent.Id);
    }

    private async Task AcknowledgeAsync(IReadOnlyList<string> receipts, CancellationToken cancellationToken)
    {
        try
        {
            await api.AcknowledgeAsync(receipts, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is RelayApiException or OperationCanceledException)
        {
            // Not fatal: an unacknowledged event comes back after its visibility timeout and is skipped as a duplicate.
            LogAckFailed(ex.Message);
        }
    }

    /// <summary>Best effort, with its own short deadline: it often runs because the relay is stopping.</summary>
    private async Task ReleaseAsync(IReadOnlyList<string> receipts)
    {
        if (receipts.Count == 0)
        {
            return;
        }

        using var deadline = new CancellationTokenSource(CleanupDeadline);
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

    [LoggerMessage(Level = LogLevel.Debug, Message = "Event {EventId} was already delivered; acknowledging it again")]
    private partial void LogDuplicate(string eventId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Released {Count} event(s) that were taken but not shown; they are back in the queue")]
    private partial void LogReleased(int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not release {Count} event(s) taken but not shown ({Reason}); they come back after the visibility timeout")]
    private partial void LogReleaseFailed(int count, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Acknowledging delivered events failed ({Reason}); they will be skipped when they come again")]
    private partial void LogAckFailed(string reason);
}
