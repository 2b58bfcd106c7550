namespace Serverless.Relay;

/// <summary>What the relay was started with; the token never leaves this object except in an Authorization header.</summary>
public sealed record RelaySettings
{
    public required Uri Url { get; init; }

    public required string Channel { get; init; }

    public required string Token { get; init; }

    /// <summary>How often the backlog is polled even when no doorbell rang (a missed doorbell costs at most this much delay).</summary>
    public TimeSpan SafetyPollInterval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a received backlog event stays hidden from other receivers before it comes again.</summary>
    public TimeSpan VisibilityTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>How long to wait for Claude Code's <c>notifications/initialized</c> before saying on stderr that it has not come.</summary>
    public TimeSpan HandshakeNotice { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Where the ids of delivered events are kept across restarts.</summary>
    public required string StateFile { get; init; }

    /// <summary>The owner's rules for events when nobody is watching (none by default).</summary>
    public Playbooks.Playbook Playbook { get; init; } = Playbooks.Playbook.None;

    /// <summary>What came from the project's <c>.mcp.json</c> rather than options or environment, for a stderr line; null when nothing did.</summary>
    public string? TakenFrom { get; init; }

    // The token stays out of any printed form of the settings.
    public override string ToString() => $"{Url} channel '{Channel}'";
}
