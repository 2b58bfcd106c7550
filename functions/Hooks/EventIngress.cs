using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Serverless.Functions.Events;
using Serverless.Functions.History;
using Serverless.Functions.Inbox;
using Serverless.Functions.Publishing;
using Serverless.Functions.Sources;
using Serverless.Functions.Telemetry;

namespace Serverless.Functions.Hooks;

/// <summary>Turns a draft into an envelope, stores it durably, then rings the doorbell.</summary>
public sealed partial class EventIngress(
    IEventInbox inbox, IEventPublisher publisher, TimeProvider timeProvider, ILogger<EventIngress> logger, EventHistory? history = null)
{
    /// <summary>
    /// How long storing may take, retries included. Webhook senders give up after about 10 s (GitHub), so
    /// a store that cannot finish in this time answers 503 while the sender still listens and retries;
    /// a store that did land meanwhile is found again by its event id.
    /// </summary>
    public static readonly TimeSpan StoreBudget = TimeSpan.FromSeconds(5);

    /// <summary>How long the doorbell may take: the event is stored, so a missed ring only waits for the relay's next poll.</summary>
    public static readonly TimeSpan RingBudget = TimeSpan.FromSeconds(2);

    /// <exception cref="InboxUnavailableException">The event could not be stored; nothing was published.</exception>
    public async Task<ChannelEvent> AcceptAsync(string source, string channel, EventDraft draft, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(draft);
        using var activity = EventTelemetry.Source.StartActivity("accept event", ActivityKind.Producer);
        var channelEvent = new ChannelEvent
        {
            TraceParent = activity?.Id,
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
            Branch = MetaValue.Identifier(draft.Branch),
            Fork = draft.Fork is { } fork ? (fork ? "true" : "false") : null,
            Actor = MetaValue.Identifier(draft.Actor),
            Service = MetaValue.Identifier(draft.Service),
            ChatId = draft.ChatId,
            MessageId = draft.MessageId,
            User = MetaValue.Identifier(draft.User),
            UserName = MetaValue.Identifier(draft.UserName),
            ReplyTo = draft.ReplyTo,
            Quoted = draft.Quoted,
            RequestId = draft.RequestId,
            Behavior = draft.Behavior,
        };

        await StoreAndRingAsync(channelEvent, activity, cancellationToken);
        return channelEvent;
    }

    /// <summary>
    /// Sends a past event again as a new event: a new id and time, its own trace, and <c>replayof</c> naming the
    /// original, so a relay that showed the original shows this once more. Stored and rung like any accepted event.
    /// </summary>
    /// <exception cref="InboxUnavailableException">The event could not be stored; nothing was published.</exception>
    public async Task<ChannelEvent> ReplayAsync(ChannelEvent original, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(original);
        using var activity = EventTelemetry.Source.StartActivity("accept event", ActivityKind.Producer);
        var replay = original with
        {
            Id = Guid.CreateVersion7(timeProvider.GetUtcNow()).ToString("N"),
            Time = timeProvider.GetUtcNow(),
            // Not the provider's delivery any more: nothing may take it for a redelivery of the original.
            DeliveryId = null,
            DataRef = null,
            ReplayOf = original.Id,
            TraceParent = activity?.Id,
        };
        activity?.SetTag("event.replay_of", original.Id);
        await StoreAndRingAsync(replay, activity, cancellationToken);
        return replay;
    }

    private async Task StoreAndRingAsync(ChannelEvent channelEvent, Activity? activity, CancellationToken cancellationToken)
    {
        var (source, channel) = (channelEvent.Kind, channelEvent.Channel);
        activity?.SetTag("event.id", channelEvent.Id).SetTag("event.source", source).SetTag("event.channel", channel);
        string receipt;
        using var budget = new Budget(StoreBudget, timeProvider, cancellationToken);
        try
        {
            using var storing = EventTelemetry.Source.StartActivity("store event");
            receipt = await inbox.StoreAsync(channelEvent, budget.Token);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new InboxUnavailableException($"The inbox did not store the event within {StoreBudget.TotalSeconds:0} s.", ex);
        }
        catch (Exception ex) when (ex is not InboxUnavailableException and not OperationCanceledException)
        {
            throw new InboxUnavailableException("The event could not be stored.", ex);
        }

        LogStored(channelEvent.Id, source, channel);
        EventTelemetry.CountAccepted(source, channel);
        var storedAt = timeProvider.GetUtcNow();
        DateTimeOffset? rungAt = null;
        budget.Restart(RingBudget);
        try
        {
            // The inbox is the truth: a missed doorbell only delays delivery until the relay's next backlog poll.
            using var ringing = EventTelemetry.Source.StartActivity("ring relay");
            // Rung when it was sent (a relay may take the event before the call returns), and only when a relay
            // could hear it: with none listening, the event waits for a backlog call.
            var ringingAt = timeProvider.GetUtcNow();
            if (await publisher.PublishAsync(channelEvent, receipt, budget.Token))
            {
                rungAt = ringingAt;
            }
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            LogPublishFailed(ex, channelEvent.Id, channel);
        }

        // One note for the three ingress steps, handed to the background writer: the webhook waits on no history write.
        history?.Record(new HistoryNote(channel, channelEvent.Id, rungAt is { } rung
            ? [new(EventStep.Received, channelEvent.Time), new(EventStep.Stored, storedAt), new(EventStep.Rung, rung)]
            : [new(EventStep.Received, channelEvent.Time), new(EventStep.Stored, storedAt)])
        {
            Kind = source,
            Type = channelEvent.Type,
            Summary = channelEvent.Summary,
            Envelope = channelEvent,
        });
    }

    /// <summary>
    /// The caller's cancellation, or the current step's budget running out on this app's clock. One source
    /// and one timer serve both steps (the timer is re-armed), since every webhook pays for them.
    /// </summary>
    private sealed class Budget : IDisposable
    {
        private readonly CancellationTokenSource _source;
        private readonly CancellationTokenRegistration _caller;

        public Budget(TimeSpan first, TimeProvider timeProvider, CancellationToken cancellationToken)
        {
            _source = new CancellationTokenSource(first, timeProvider);
            _caller = cancellationToken.UnsafeRegister(static source => ((CancellationTokenSource)source!).Cancel(), _source);
        }

        public CancellationToken Token => _source.Token;

        /// <summary>Gives the next step its own budget from now; a source that already fired stays cancelled.</summary>
        public void Restart(TimeSpan budget) => _source.CancelAfter(budget);

        public void Dispose()
        {
            _caller.Dispose();
            _source.Dispose();
        }
    }

    /// <summary>
    /// A provider delivery keeps one event id however often it is delivered, so the relay can skip a
    /// redelivery that got past the delivery log; anything else gets a fresh, time-ordered id.
    /// </summary>
    private string EventId(string source, string channel, EventDraft draft) => draft.DeliveryId is { } deliveryId
        ? Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes($"{source}\n{channel}\n{deliveryId}")))[..32]
        : Guid.CreateVersion7(timeProvider.GetUtcNow()).ToString("N");

    // Debug, not Information: a line per webhook costs more than storing it in memory, and at load the
    // console's bounded queue makes requests wait for the terminal.
    [LoggerMessage(Level = LogLevel.Debug, Message = "Stored event {EventId} from {Source} for channel {Channel}")]
    private partial void LogStored(string eventId, string source, string channel);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Event {EventId} is stored but the doorbell to channel {Channel} failed; the relay will find it in the backlog")]
    private partial void LogPublishFailed(Exception exception, string eventId, string channel);
}
