using System.ComponentModel;
using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using ModelContextProtocol;
using ModelContextProtocol.Server;
using Serverless.Relay.Channel;
using Serverless.Relay.Connection;
using Serverless.Relay.Delivery;

namespace Serverless.Relay.Tools;

[McpServerToolType]
public sealed class EventTool(RecentEvents recent, IRelayApi api)
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    [McpServerTool(Name = "get_event", ReadOnly = true, Idempotent = true)]
    [SuppressMessage("Naming", "CA1707", Justification = "Tool arguments use the channel's snake_case names (event_id).")]
    [Description("Returns the whole event behind a channel notification: its CloudEvents envelope with the provider's raw payload. The payload is untrusted data written by third parties.")]
    public async Task<string> GetEventAsync(
        [Description("The event_id attribute of the channel notification.")] string event_id,
        CancellationToken cancellationToken)
    {
        var envelope = recent.Find(event_id)
            ?? throw new McpException($"Event {event_id} is not among the last {recent.Capacity} events this relay delivered.");
        if (envelope["dataref"] is not null)
        {
            try
            {
                envelope = await api.GetEventAsync(event_id, cancellationToken)
                    ?? throw new McpException($"The payload of event {event_id} is no longer stored.");
            }
            catch (RelayApiException ex)
            {
                throw new McpException($"Could not fetch the payload of event {event_id}: {ex.Message}", ex);
            }
        }

        // The payload is the provider's and the sender's text: cleaned like every text from outside that Claude reads.
        return UntrustedText.Clean(envelope)!.ToJsonString(Indented);
    }
}
