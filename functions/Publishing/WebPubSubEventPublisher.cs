using System.Text.Json;
using Serverless.Functions.Events;
using Serverless.Functions.WebPubSub;

namespace Serverless.Functions.Publishing;

/// <summary>Sends <c>{"type":"event","event":{...},"receipt":"..."}</c> to the channel's Web PubSub group.</summary>
public sealed class WebPubSubEventPublisher(IWebPubSubService webPubSub) : IEventPublisher
{
    /// <summary>The service does not say whether the group has members, so a send that succeeded counts as rung.</summary>
    public async Task<bool> PublishAsync(ChannelEvent channelEvent, string receipt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(channelEvent);
        var message = new RelayMessage("event", channelEvent, receipt);
        var json = BinaryData.FromBytes(JsonSerializer.SerializeToUtf8Bytes(message, EventJson.Options));
        await webPubSub.SendToGroupAsync(channelEvent.Channel, json, cancellationToken);
        return true;
    }
}
