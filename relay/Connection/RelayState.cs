namespace Serverless.Relay.Connection;

/// <summary>Where the relay is in its life, as <c>get_status</c> reports it.</summary>
public enum RelayState
{
    Starting,

    /// <summary>Claude Code has not completed the MCP handshake; nothing is taken from the queue.</summary>
    WaitingForSession,
    Negotiating,
    Connected,
    Reconnecting,
    Retrying,
    Stopped,
}
