namespace Serverless.Relay.Channel;

/// <summary>The params of <c>notifications/claude/channel</c>.</summary>
public sealed record ChannelNotification(string Content, IReadOnlyDictionary<string, string> Meta);
