namespace Serverless.Relay.Channel;

/// <summary>Where channel notifications go: the Claude Code session.</summary>
public interface IChannelSink
{
    /// <summary>Completes once the notification has been written to the session.</summary>
    Task SendAsync(ChannelNotification notification, CancellationToken cancellationToken);

    /// <summary>Answers a tool-use permission request (<c>notifications/claude/channel/permission</c>).</summary>
    Task SendPermissionAsync(string requestId, string behavior, CancellationToken cancellationToken);
}
