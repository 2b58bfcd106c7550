namespace Serverless.Contracts;

/// <summary>The decisions a session takes from its owner's chat instead of reading them as events.</summary>
public enum DecisionKind
{
    /// <summary>An answer to Claude Code's tool-use permission request: goes back as <c>notifications/claude/channel/permission</c>.</summary>
    Permission,

    /// <summary>An answer to an <c>ask_user</c> question: goes to the waiting tool call.</summary>
    Answer,
}

/// <summary>The chat transports: the events' <c>kind</c> for what their users write or decide.</summary>
public static class ChatTransportNames
{
    public const string Telegram = "telegram";

    public const string Slack = "slack";

    public const string Discord = "discord";

    /// <summary>Whether <paramref name="kind"/> is a chat transport's: what proves its events is the chat allowlist (<see cref="SourceKind"/>).</summary>
    public static bool IsChatTransport(string? kind) =>
        SourceKind.All.Any(k => k.Credential == SourceCredential.ChatAllowlist && string.Equals(k.Name, kind, StringComparison.Ordinal));
}

/// <summary>
/// The one rule for what a decision event is, shared by the function app (which makes them and refuses to replay
/// them) and the relay (which acts on them). A decision is an event the app marked as written by a user on the
/// channel's allowlist of a chat transport: <c>kind</c> a chat transport's name, <c>trust</c>
/// <see cref="EventTrust.Allowlisted"/> and <c>eventtype</c> <see cref="PermissionEventType"/> or
/// <see cref="AnswerEventType"/>. No webhook can produce that: a webhook's <c>kind</c> is its source's name
/// (none is a chat transport's) and its <c>trust</c> is always <c>third_party</c>, so a generic event with
/// <c>X-Event-Type: permission</c> stays an ordinary, untrusted event; chat messages are <c>eventtype</c>
/// <c>message</c>. Only the app's permission and <c>ask_user</c> answer paths set these three together.
/// </summary>
public static class DecisionEvents
{
    public const string PermissionEventType = "permission";

    public const string AnswerEventType = "answer";

    /// <summary>What the event is by the attributes the app set: a decision of this kind, or null for an ordinary event.</summary>
    public static DecisionKind? Classify(string? kind, string? trust, string? eventType) =>
        ChatTransportNames.IsChatTransport(kind) && trust == EventTrust.Allowlisted
            ? eventType switch
            {
                PermissionEventType => DecisionKind.Permission,
                AnswerEventType => DecisionKind.Answer,
                _ => null,
            }
            : null;

    /// <summary>
    /// The decision to act on: <see cref="Classify"/>, but never for a replay. A decision is taken once, when it is
    /// made; sending its event again (<c>relay replay</c>, which the app refuses for decisions anyway) must not
    /// repeat it.
    /// </summary>
    public static DecisionKind? ToActOn(string? kind, string? trust, string? eventType, bool isReplay) =>
        isReplay ? null : Classify(kind, trust, eventType);

    /// <summary>Whether the event type names a decision, whoever sent it: an event that has it but is none is worth a log line.</summary>
    public static bool LooksLikeDecision(string? eventType) => eventType is PermissionEventType or AnswerEventType;
}
