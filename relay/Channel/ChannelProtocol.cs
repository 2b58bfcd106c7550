namespace Serverless.Relay.Channel;

/// <summary>The MCP protocol revision the relay speaks: the newest one on which Claude Code delivers channel notifications.</summary>
public static class ChannelProtocol
{
    public const string Version = "2025-11-25";
}
