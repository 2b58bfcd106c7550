using System.Text.Json;
using Microsoft.Extensions.Options;
using Serverless.Functions.Events;
using Serverless.Functions.Publishing;

namespace Serverless.Functions.WebPubSub.Embedded;

/// <summary>
/// The local default's doorbell: the same message <see cref="WebPubSubEventPublisher"/> sends to Azure, put
/// straight into the embedded hub. Ringing the hub through its own REST endpoint cost a JWT signature and
/// check, an HTTP round trip to itself and two parses per webhook, for the same frames.
/// </summary>
public sealed class EmbeddedEventPublisher(EmbeddedWebPubSubHub hub, IOptions<WebPubSubOptions> options) : IEventPublisher
{
    public Task<bool> PublishAsync(ChannelEvent channelEvent, string receipt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(channelEvent);
        // No relay connected (or waiting to resume) for this channel: the event waits in the inbox for the
        // relay's backlog call, so the doorbell message is not even built.
        if (!hub.HasMembers(options.Value.Hub, channelEvent.Channel))
        {
            return Task.FromResult(false);
        }

        var json = JsonSerializer.SerializeToUtf8Bytes(new RelayMessage("event", channelEvent, receipt), EventJson.Options);
        hub.SendToGroup(options.Value.Hub, GroupMessage.FromJson(channelEvent.Channel, json));
        return Task.FromResult(true);
    }
}
