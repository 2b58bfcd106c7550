using System.Text.Json;
using Serverless.Functions.Events;

namespace Serverless.Functions.Inbox;

/// <summary>The claim-check rule shared by every inbox: what is too large for a queue message, and what stays in it.</summary>
public static class LargePayloads
{
    public static byte[] Serialize(ChannelEvent channelEvent) => JsonSerializer.SerializeToUtf8Bytes(channelEvent, EventJson.Options);

    public static ChannelEvent? Deserialize(ReadOnlySpan<byte> json) => JsonSerializer.Deserialize<ChannelEvent>(json, EventJson.Options);

    /// <summary>The relay API path that serves the full envelope.</summary>
    public static string ReferenceFor(ChannelEvent channelEvent)
    {
        ArgumentNullException.ThrowIfNull(channelEvent);
        return $"/api/relay/events/{Uri.EscapeDataString(channelEvent.Id)}?channel={Uri.EscapeDataString(channelEvent.Channel)}";
    }

    /// <summary>The envelope without its payload, pointing at where the payload is.</summary>
    public static ChannelEvent WithoutPayload(ChannelEvent channelEvent) =>
        channelEvent with { Data = null, DataRef = ReferenceFor(channelEvent) };
}
