using Microsoft.Extensions.Logging;
using Serverless.Relay.Channel;
using Serverless.Relay.Connection;

namespace Serverless.Relay.Delivery;

/// <summary>
/// The one path from an event to Claude Code: skip what was already shown, notify, then acknowledge.
/// Serialised, so the doorbell, the backlog drain and the safety poll never interleave.
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
    private readonly SemaphoreSlim _serial = new(1, 1);

    public async Task DeliverAsync(RelayEvent relayEvent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(relayEvent);
        await _serial.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await NotifyOnceAsync(relayEvent, cancellationToken).ConfigureAwait(false);
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
                foreach (var relayEvent in batch.Events)
                {
                    await NotifyOnceAsync(relayEvent, cancellationToken).ConfigureAwait(false);
                    receipts.Add(relayEvent.Receipt);
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
            && relayEvent.Attribute("requestid") is { Length: 5 } requestId
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
        catch (RelayApiException ex)
        {
            // Not fatal: an unacknowledged event comes back after its visibility timeout and is skipped as a duplicate.
            LogAckFailed(ex.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Delivered event {EventId} to Claude Code")]
    private partial void LogDelivered(string eventId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Event {EventId} ({Kind}) could not be delivered after {Attempts} attempts and was moved to dead-letter queue {Queue}")]
    private partial void LogDeadLettered(string eventId, string kind, long attempts, string queue);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Event {EventId} was already delivered; acknowledging it again")]
    private partial void LogDuplicate(string eventId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Acknowledging delivered events failed ({Reason}); they will be skipped when they come again")]
    private partial void LogAckFailed(string reason);
}
