using System.Collections.Concurrent;
using System.Text.Json;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Serverless.Functions.Events;

namespace Serverless.Functions.Inbox;

/// <summary>
/// The durable inbox: one Azure Storage Queue per channel (and a dead-letter queue beside it), with
/// payloads over the queue's message size kept in Blob Storage.
/// </summary>
public sealed partial class StorageQueueEventInbox(
    QueueServiceClient queues,
    BlobContainerClient payloads,
    IOptions<InboxOptions> options,
    ILogger<StorageQueueEventInbox> logger,
    TimeProvider? timeProvider = null) : IEventInbox, IDeadLetterInbox, IBacklogDepth
{
    // A message that must wait for a relay for however long it takes never expires.
    private static readonly TimeSpan NeverExpire = TimeSpan.FromSeconds(-1);
    private const int MaxMessagesPerReceive = 32;
    private readonly ConcurrentDictionary<string, (QueueClient Client, CreateOnce Created)> _queues = new(StringComparer.Ordinal);
    private readonly CreateOnce _container = new(() => payloads.CreateIfNotExistsAsync(cancellationToken: CancellationToken.None));
    private readonly QueueDepthCache _depths = new(timeProvider ?? TimeProvider.System, logger);

    public IReadOnlyList<(string Channel, long Depth)> Depths() => _depths.Depths();

    public async Task<string> StoreAsync(ChannelEvent channelEvent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(channelEvent);
        var json = LargePayloads.Serialize(channelEvent);
        if (json.Length > options.Value.MaxInlineBytes)
        {
            await _container.EnsureAsync(cancellationToken);
            await payloads.GetBlobClient(BlobName(channelEvent.Channel, channelEvent.Id))
                .UploadAsync(BinaryData.FromBytes(json), overwrite: true, cancellationToken);
            json = LargePayloads.Serialize(LargePayloads.WithoutPayload(channelEvent));
        }

        var queue = await QueueAsync(QueueNames.ForChannel(channelEvent.Channel), cancellationToken);
        _depths.Watch(channelEvent.Channel, queue);
        var receipt = await queue.SendMessageAsync(BinaryData.FromBytes(json), visibilityTimeout: null, timeToLive: NeverExpire, cancellationToken);
        return InboxReceipt.Create(channelEvent.Id, receipt.Value.MessageId, receipt.Value.PopReceipt);
    }

    public async Task<InboxBatch> ReceiveAsync(string channel, int maxEvents, TimeSpan visibilityTimeout, CancellationToken cancellationToken)
    {
        var queue = await QueueAsync(QueueNames.ForChannel(channel), cancellationToken);
        _depths.Watch(channel, queue);
        var items = new List<InboxItem>();
        var deadLettered = new List<DeadLetteredEvent>();
        while (items.Count < maxEvents)
        {
            var take = Math.Min(MaxMessagesPerReceive, maxEvents - items.Count);
            QueueMessage[] messages = await queue.ReceiveMessagesAsync(take, visibilityTimeout, cancellationToken);
            foreach (var message in messages)
            {
                var channelEvent = TryRead(message.Body);
                if (channelEvent is null || message.DequeueCount > options.Value.MaxDeliveryAttempts)
                {
                    deadLettered.Add(await DeadLetterAsync(channel, queue, message, channelEvent, cancellationToken));
                    continue;
                }

                items.Add(new InboxItem(channelEvent, InboxReceipt.Create(channelEvent.Id, message.MessageId, message.PopReceipt), message.DequeueCount));
            }

            if (messages.Length < take)
            {
                break;
            }
        }

        return new InboxBatch(items, deadLettered);
    }

    public async Task<IReadOnlyList<InboxItem>> RedriveAsync(string channel, int maxEvents, CancellationToken cancellationToken)
    {
        var deadLetter = await QueueAsync(QueueNames.DeadLetterFor(channel), cancellationToken);
        var queue = await QueueAsync(QueueNames.ForChannel(channel), cancellationToken);
        var items = new List<InboxItem>();
        while (items.Count < maxEvents)
        {
            // Hidden while being moved; an unreadable one stays hidden for the rest of this call and then waits on.
            QueueMessage[] messages = await deadLetter.ReceiveMessagesAsync(
                Math.Min(MaxMessagesPerReceive, maxEvents - items.Count), TimeSpan.FromMinutes(1), cancellationToken);
            foreach (var message in messages)
            {
                if (TryRead(message.Body) is not { } channelEvent)
                {
                    continue;
                }

                // Send first, delete after: a failure in between leaves a copy in both, and the relay skips the event id it showed.
                var sent = await queue.SendMessageAsync(message.Body, visibilityTimeout: null, timeToLive: NeverExpire, cancellationToken);
                await deadLetter.DeleteMessageAsync(message.MessageId, message.PopReceipt, cancellationToken);
                items.Add(new InboxItem(channelEvent, InboxReceipt.Create(channelEvent.Id, sent.Value.MessageId, sent.Value.PopReceipt), 0));
            }

            if (messages.Length == 0)
            {
                break;
            }
        }

        return items;
    }

    public Task<bool> AcknowledgeAsync(string channel, string receipt, CancellationToken cancellationToken) =>
        WithReceiptAsync(channel, receipt, (queue, id, pop) => queue.DeleteMessageAsync(id, pop, cancellationToken), cancellationToken);

    // Update Message without new content changes only the visibility timeout.
    public Task<bool> ReleaseAsync(string channel, string receipt, CancellationToken cancellationToken) =>
        WithReceiptAsync(channel, receipt, (queue, id, pop) => queue.UpdateMessageAsync(id, pop, messageText: null, visibilityTimeout: TimeSpan.Zero, cancellationToken), cancellationToken);

    public async Task<ChannelEvent?> GetPayloadAsync(string channel, string eventId, CancellationToken cancellationToken)
    {
        try
        {
            var blob = await payloads.GetBlobClient(BlobName(channel, eventId)).DownloadContentAsync(cancellationToken);
            return TryRead(blob.Value.Content);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return null;
        }
    }

    private async Task<DeadLetteredEvent> DeadLetterAsync(
        string channel, QueueClient queue, QueueMessage message, ChannelEvent? channelEvent, CancellationToken cancellationToken)
    {
        var deadLetterName = QueueNames.DeadLetterFor(channel);
        var deadLetter = await QueueAsync(deadLetterName, cancellationToken);
        await deadLetter.SendMessageAsync(message.Body, visibilityTimeout: null, timeToLive: NeverExpire, cancellationToken);
        await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, cancellationToken);
        var id = channelEvent?.Id ?? $"unreadable message {message.MessageId}";
        LogDeadLettered(id, message.DequeueCount, deadLetterName);
        return new DeadLetteredEvent(id, channelEvent?.Kind ?? "unknown", message.DequeueCount, deadLetterName);
    }

    private async Task<QueueClient> QueueAsync(string name, CancellationToken cancellationToken)
    {
        var queue = _queues.GetOrAdd(name, n =>
        {
            var client = queues.GetQueueClient(n);
            return (client, new CreateOnce(() => client.CreateIfNotExistsAsync(cancellationToken: CancellationToken.None)));
        });
        await queue.Created.EnsureAsync(cancellationToken);
        return queue.Client;
    }

    /// <summary>Applies a call to the message a receipt names; false when the receipt is malformed or stale.</summary>
    private async Task<bool> WithReceiptAsync(string channel, string receipt, Func<QueueClient, string, string, Task> call, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(receipt);
        if (!InboxReceipt.TryParse(receipt, out var messageId, out var popReceipt))
        {
            return false;
        }

        var queue = await QueueAsync(QueueNames.ForChannel(channel), cancellationToken);
        try
        {
            await call(queue, messageId, popReceipt);
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status is 404 or 400)
        {
            // Deleted already, or received again since: the pop receipt no longer matches.
            return false;
        }
    }

    private static string BlobName(string channel, string eventId) => $"{channel}/{eventId}.json";

    private static ChannelEvent? TryRead(BinaryData body)
    {
        try
        {
            return LargePayloads.Deserialize(body.ToMemory().Span);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Event {EventId} was received {Attempts} times without an acknowledgement and moved to dead-letter queue {Queue}")]
    private partial void LogDeadLettered(string eventId, long attempts, string queue);
}
