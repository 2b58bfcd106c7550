using System.ComponentModel;
using System.Globalization;
using ModelContextProtocol.Server;
using Serverless.Relay.Connection;

namespace Serverless.Relay.Tools;

[McpServerToolType]
public sealed class StatusTool(RelaySettings settings, RelayStatus status)
{
    [McpServerTool(Name = "get_status", ReadOnly = true, Idempotent = true)]
    [Description("Shows whether the relay is connected to its function app, which channel it serves, and how many events it has delivered.")]
    public string GetStatus()
    {
        var s = status.Snapshot();
        var lines = new List<string>
        {
            $"channel: {settings.Channel}",
            $"function app: {settings.Url}",
            $"state: {s.State}" + (s.ConnectedSince is { } since ? $" since {since.ToString("u", CultureInfo.InvariantCulture)}" : string.Empty),
            $"events delivered: {s.Delivered}",
            $"duplicates skipped: {s.DuplicatesSkipped}",
            $"moved to the dead-letter queue: {s.DeadLettered}",
        };
        if (s.LastEventAt is { } last)
        {
            lines.Add($"last event: {last.ToString("u", CultureInfo.InvariantCulture)}");
        }

        if (s.LastError is { } error)
        {
            lines.Add($"last error: {error}");
        }

        return string.Join('\n', lines);
    }
}
