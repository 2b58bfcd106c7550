using System.ComponentModel;
using System.Globalization;
using ModelContextProtocol.Server;
using Serverless.Relay.Channel;
using Serverless.Relay.Connection;
using Serverless.Relay.Questions;

namespace Serverless.Relay.Tools;

[McpServerToolType]
public sealed class StatusTool(RelaySettings settings, RelayStatus status, SessionReadiness readiness, QuestionSignals questions)
{
    [McpServerTool(Name = "get_status", ReadOnly = true, Idempotent = true)]
    [Description("Shows whether the relay is connected to its function app, whether channel delivery into this session is active, which channel it serves, and how many events it has delivered.")]
    public string GetStatus(McpServer server)
    {
        ArgumentNullException.ThrowIfNull(server);
        var s = status.Snapshot();
        var lines = new List<string>
        {
            $"channel: {settings.Channel}",
            $"function app: {settings.Url}",
            $"MCP protocol revision: {server.NegotiatedProtocolVersion ?? "(none yet)"}",
            "channel delivery: " + Delivery(readiness.IsReady, s),
            $"state: {Describe(s.State)}" + (s.ConnectedSince is { } since ? $" since {since.ToString("u", CultureInfo.InvariantCulture)}" : string.Empty),
            $"events delivered: {s.Delivered}",
            $"duplicates skipped: {s.DuplicatesSkipped}",
            $"moved to the dead-letter queue: {s.DeadLettered}",
            $"ask_user questions waiting for an answer: {questions.Waiting}",
        };
        if (s.LastEventAt is { } last)
        {
            lines.Add($"last event: {last.ToString("u", CultureInfo.InvariantCulture)}");
        }

        if (s.LastError is { } error)
        {
            lines.Add($"last error: {error}");
        }

        // The last error can quote the function app or the network (a problem detail, a proxy's page).
        return UntrustedText.Clean(string.Join('\n', lines));
    }

    /// <summary>Active only while connected: a session that cannot reach the app gets no events, and says why.</summary>
    private static string Delivery(bool ready, RelayStatusSnapshot s) => (ready, s.State) switch
    {
        (false, _) => "waiting for Claude Code to complete the MCP handshake (notifications/initialized); no events are taken until then",
        (_, RelayState.Connected) => "active",
        (_, RelayState.Retrying) => $"waiting: cannot reach the function app ({s.LastError ?? "no reason given"})",
        (_, RelayState.Stopped) => "stopped",
        _ => "waiting: connecting to the function app",
    };

    private static string Describe(RelayState state) => state switch
    {
        RelayState.Starting => "starting",
        RelayState.WaitingForSession => "waiting for the session",
        RelayState.Negotiating => "negotiating",
        RelayState.Connected => "connected",
        RelayState.Reconnecting => "reconnecting",
        RelayState.Retrying => "retrying",
        RelayState.Stopped => "stopped",
        _ => state.ToString(),
    };
}
