using Microsoft.Extensions.Logging;
using Serverless.Functions.Events;
using Serverless.Functions.Inbox;
using Serverless.Functions.Publishing;
using Serverless.Functions.Sources;

namespace Serverless.Functions.Hooks;

/// <summary>Turns a draft into an envelope, stores it durably, then rings the doorbell.</summary>
public sealed partial class EventIngress(IEventInbox inbox, IEventPublisher publisher, TimeProvider timeProvider, ILogger<EventIngress> logger)
{
    /// <exception cref="InboxUnavailableException">The event could not be stored; nothing was published.</exception>
    public async Task<ChannelEvent> AcceptAsync(string source, string channel, EventDraft draft, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(draft);
        var channelEvent = new ChannelEvent
        {
            Id = EventId(source, channel, draft),
            Source = $"/hooks/{source}",
            Type = $"{source}.{draft.EventType}",
            Time = timeProvider.GetUtcNow(),
            Subject = draft.Subject,
            DataContentType = draft.DataContentType,
            Data = draft.Data,
            Channel = channel,
            Kind = source,
            EventType = draft.EventType,
            DeliveryId = draft.DeliveryId,
            Trust = draft.Trust,
            Summary = draft.Summary,
            Severity = draft.Severity,
            Url = MetaValue.Link(draft.Url),
            Repo = MetaValue.Identifier(draft.Repo),
            Service = MetaValue.Identifier(draft.Service),
            ChatId = draft.ChatId,
            MessageId = draft.MessageId,
            User = MetaValue.Identifier(draft.User),
            ReplyTo = draft.ReplyTo,
            Quoted = draft.Quoted,
            RequestId = draft.RequestId,
            Behavior = draft.Behavior,
        };

        string receipt;
        try
        {
            receipt = await inbox.StoreAsync(channelEvent, cancellationToken);
        }
        catch (Exception ex) when (ex is not InboxUnavailableException and not OperationCanceledException)
        {
            throw new InboxUnavailableException("The event could not be stored.", ex);
        }

        LogStored(channelEvent.Id, source, channel);
        try
        {
            // The inbox is the truth: a missed doorbell only delays delivery until the relay's next backlog poll.
            await publisher.PublishAsync(channelEvent, receipt, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogPublishFailed(ex, channelEvent.Id, channel);
        }

        return channelEvent;
    }

    /// <summary>
    /// A provider delivery keeps one event id however often it is delivered, so the relay can skip a
    /// redelivery that got past the delivery log; anything else gets a fresh, time-ordered id.
    /// </summary>
    private string EventId(string source, string channel, EventDraft draft) => draft.DeliveryId is { } deliveryId
        ? Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes($"{source}\n{channel}\n{deliveryId}")))[..32]
        : Guid.CreateVersion7(timeProvider.GetUtcNow()).ToString("N");

    [LoggerMessage(Level = LogLevel.Information, Message = "Stored event {EventId} from {Source} for channel {Channel}")]
    private partial void LogStored(string eventId, string source, string channel);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Event {EventId} is stored but the doorbell to channel {Channel} failed; the relay will find it in the backlog")]
    private partial void LogPublishFailed(Exception exception, string eventId, string channel);
}
