namespace Serverless.Relay.Channel;

/// <summary>
/// The params of <c>notifications/claude/channel</c>, and what the relay keeps to itself: the trace context
/// of the event (never shown to Claude) and when the app accepted it.
/// </summary>
public sealed record ChannelNotification(string Content, IReadOnlyDictionary<string, string> Meta)
{
    public string? TraceParent { get; init; }

    public DateTimeOffset? AcceptedAt { get; init; }
}
