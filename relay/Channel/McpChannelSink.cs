using System.Text.Json.Nodes;
using ModelContextProtocol.Server;
using Serverless.Relay.Playbooks;

namespace Serverless.Relay.Channel;

/// <summary>Writes channel notifications to the MCP session, once the client has initialised it.</summary>
public sealed class McpChannelSink(McpServer server, SessionReadiness readiness, RelaySettings settings, ChatReceipts receipts, TimeProvider timeProvider) : IChannelSink
{
    public const string Method = "notifications/claude/channel";
    public const string PermissionMethod = "notifications/claude/channel/permission";

    public async Task SendAsync(ChannelNotification notification, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(notification);
        // A notification sent before notifications/initialized could be dropped by the client.
        await readiness.WaitAsync(cancellationToken).ConfigureAwait(false);
        var meta = ToMeta(notification.Meta);
        if (settings.Playbook.Match(notification.Meta) is { } rule)
        {
            meta[Playbook.MetaKey] = rule.Name;
        }

        var payload = new JsonObject
        {
            ["content"] = ChannelContent.Sanitize(notification.Content),
            ["meta"] = meta,
        };
        using (RelayTelemetry.StartShow(notification.Meta.GetValueOrDefault("event_id") ?? string.Empty, notification.TraceParent))
        {
            await server.SendNotificationAsync(Method, payload, cancellationToken: cancellationToken).ConfigureAwait(false);
        }

        RelayTelemetry.RecordShown(notification.AcceptedAt, timeProvider.GetUtcNow());
        receipts.Shown(notification.Meta);
    }

    public async Task SendPermissionAsync(string requestId, string behavior, CancellationToken cancellationToken)
    {
        await readiness.WaitAsync(cancellationToken).ConfigureAwait(false);
        var payload = new JsonObject { ["request_id"] = requestId, ["behavior"] = behavior };
        await server.SendNotificationAsync(PermissionMethod, payload, cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Only keys Claude Code keeps, and values that cannot leave their attribute.</summary>
    public static JsonObject ToMeta(IReadOnlyDictionary<string, string> meta)
    {
        ArgumentNullException.ThrowIfNull(meta);
        var result = new JsonObject();
        foreach (var (key, value) in meta)
        {
            if (ChannelMeta.IsValidKey(key))
            {
                result[key] = ChannelMeta.SanitizeValue(value);
            }
        }

        return result;
    }
}
