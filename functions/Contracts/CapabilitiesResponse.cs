namespace Serverless.Contracts;

/// <summary>What a relay may declare: Telegram on, and whether a paired chat (of any transport) can answer permission requests.</summary>
public sealed record CapabilitiesResponse(
    bool Telegram,
    bool PermissionRelay)
{
    /// <summary>The chat transports configured on the app (<c>telegram</c>, <c>slack</c>, <c>discord</c>).</summary>
    public IReadOnlyList<string>? Transports { get; init; }

    /// <summary>The first transport with a notification chat for the channel: where a reply without chat_id goes.</summary>
    public string? NotificationTransport { get; init; }
}
