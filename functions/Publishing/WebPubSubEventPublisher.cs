using System.Text.Json;
using Serverless.Functions.Events;
using Serverless.Functions.WebPubSub;

namespace Serverless.Functions.Publishing;

/// <summary>Sends <c>{"type":"event","event":{...},"receipt":"..."}</c> to the channel's Web PubSub group.</summary>
public sealed class WebPubSubEventPublisher(IWebPubSubService webPubSub) : IEventPublisher
{
    public Task PublishAsync(ChannelEvent channelEvent, string receipt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(channelEvent);
        var message = new RelayMessage("event", channelEvent, receipt);
        var json = BinaryData.FromBytes(JsonSerializer.SerializeToUtf8Bytes(message, EventJson.Options));
        return webPubSub.SendToGroupAsync(channelEvent.Channel, json, cancellationToken);
    }
}
