namespace Serverless.Contracts;

/// <summary>Who decides the value of an event attribute: what a playbook rule that tests it can rely on.</summary>
public enum AttributeProvenance
{
    /// <summary>Set by the app itself (<c>kind</c>, <c>channel</c>, <c>trust</c>, <c>event_id</c>): nobody outside chooses it.</summary>
    App,

    /// <summary>An identity the provider verified: a GitHub login, a chat service's stable user id.</summary>
    VerifiedIdentity,

    /// <summary>Verified by the provider, but chosen by whoever triggered the event: a repository, a branch, a CI result.</summary>
    ChosenByTrigger,

    /// <summary>Chosen freely by anyone who holds the source's shared token.</summary>
    ChosenByTokenHolder,
}

/// <summary>What proves that an event came from its source.</summary>
public enum SourceCredential
{
    /// <summary>An HMAC signature of the body with a secret the provider keeps (GitHub, PagerDuty, Sentry, Standard Webhooks).</summary>
    Signature,

    /// <summary>A secret the provider sends as it is, set only in the provider's webhook settings (GitLab's <c>X-Gitlab-Token</c>).</summary>
    ProviderToken,

    /// <summary>A bearer token, a password or <c>?code=</c> that any sender holding it can use, with any body it likes.</summary>
    SharedToken,

    /// <summary>A message or button press from a chat user the owner paired or configured (the service signs or authenticates the delivery).</summary>
    ChatAllowlist,
}

/// <summary>One value of the events' <c>kind</c>: a webhook source or a chat service, and how its deliveries are proven.</summary>
/// <param name="Name">The <c>kind</c>, also the route segment (<c>/api/hooks/{Name}/...</c>, <c>/api/{Name}/...</c>).</param>
/// <param name="DisplayName">How people call it ("GitHub").</param>
public sealed record SourceKind(string Name, string DisplayName, SourceCredential Credential)
{
    public static readonly SourceKind Generic = new("generic", "generic webhook", SourceCredential.SharedToken);
    public static readonly SourceKind StandardWebhooks = new("standard", "Standard Webhooks", SourceCredential.Signature);
    public static readonly SourceKind GitHub = new("github", "GitHub", SourceCredential.Signature);
    public static readonly SourceKind GitLab = new("gitlab", "GitLab", SourceCredential.ProviderToken);
    public static readonly SourceKind PagerDuty = new("pagerduty", "PagerDuty", SourceCredential.Signature);
    public static readonly SourceKind Sentry = new("sentry", "Sentry", SourceCredential.Signature);
    public static readonly SourceKind Grafana = new("grafana", "Grafana", SourceCredential.SharedToken);
    public static readonly SourceKind Alertmanager = new("alertmanager", "Alertmanager", SourceCredential.SharedToken);
    public static readonly SourceKind Datadog = new("datadog", "Datadog", SourceCredential.SharedToken);
    public static readonly SourceKind AzureMonitor = new("azuremonitor", "Azure Monitor", SourceCredential.SharedToken);
    public static readonly SourceKind Telegram = new(ChatTransportNames.Telegram, "Telegram", SourceCredential.ChatAllowlist);
    public static readonly SourceKind Slack = new(ChatTransportNames.Slack, "Slack", SourceCredential.ChatAllowlist);
    public static readonly SourceKind Discord = new(ChatTransportNames.Discord, "Discord", SourceCredential.ChatAllowlist);

    /// <summary>Every kind an event can have, webhook sources first.</summary>
    public static readonly IReadOnlyList<SourceKind> All =
        [Generic, StandardWebhooks, GitHub, GitLab, PagerDuty, Sentry, Grafana, Alertmanager, Datadog, AzureMonitor, Telegram, Slack, Discord];

    public static SourceKind? Find(string? name) => All.FirstOrDefault(k => string.Equals(k.Name, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>True when a holder of the source's token writes the whole event: which <c>kind</c> it has is the only thing the app vouches for.</summary>
    public bool IsSharedToken => Credential == SourceCredential.SharedToken;

    /// <summary>The <c>trust</c> the app gives its events: chat users on the allowlist, everything else third-party text.</summary>
    public string Trust => Credential == SourceCredential.ChatAllowlist ? EventTrust.Allowlisted : EventTrust.ThirdParty;
}

/// <summary>The values of an event's <c>trust</c>: who could have written its text, as told to the model.</summary>
public static class EventTrust
{
    /// <summary>A sender on the channel's allowlist (a paired chat).</summary>
    public const string Allowlisted = "allowlisted";

    /// <summary>A verified service relaying text that anyone may have written (an issue comment, an alert description).</summary>
    public const string ThirdParty = "third_party";
}

/// <summary>What an attribute is, for the purpose of deciding who controls it.</summary>
public enum AttributeRole
{
    /// <summary>The app sets it whatever arrives.</summary>
    App,

    /// <summary>The provider's verified account of who did it (<c>actor</c>, <c>user</c>).</summary>
    Identity,

    /// <summary>The event's type: named by the app for chat services, by the provider for signed sources, by the sender for shared tokens.</summary>
    EventType,

    /// <summary>Anything else the delivery tells: a repository, a branch, a severity, a link.</summary>
    Content,
}

/// <summary>
/// One attribute of an event as the session sees it (a channel notification's meta key), the envelope
/// extension it comes from, whether a playbook rule may test it, and who controls it for each source.
/// This is the one declaration: the relay's meta, the playbook parser and <c>relay playbook check</c> read it.
/// </summary>
/// <param name="Key">The meta key (and playbook condition key).</param>
/// <param name="Extension">The CloudEvents attribute it is read from; null for what the relay adds itself.</param>
/// <param name="Testable">A playbook rule may test it (links, quotes and display names are shown, never tested).</param>
public sealed record EventField(string Key, string? Extension, bool Testable, AttributeRole Role, string Meaning)
{
    public static readonly IReadOnlyList<EventField> All =
    [
        new("event_id", null, false, AttributeRole.App, "the event's id"),
        new("kind", "kind", true, AttributeRole.App, "the source or chat service"),
        new("channel", "channel", true, AttributeRole.App, "the channel (relay) the event is for"),
        new("trust", "trust", true, AttributeRole.App, "allowlisted for paired chat users, third_party for everything else"),
        new("time", "time", false, AttributeRole.App, "when the app accepted the event"),
        new("replay_of", "replayof", false, AttributeRole.App, "the event a replay sends again"),
        new("event_type", "eventtype", true, AttributeRole.EventType, "the provider's event type (workflow_run, pipeline, message)"),
        new("severity", "severity", true, AttributeRole.Content, "info, warning, error or critical, from a CI result or an alert"),
        new("repo", "repo", true, AttributeRole.Content, "the repository (owner/name)"),
        new("branch", "branch", true, AttributeRole.Content, "the branch a run, push or pull request is on"),
        new("fork", "fork", true, AttributeRole.Content, "true when the head repository is not the base repository"),
        new("actor", "actor", true, AttributeRole.Identity, "the login that triggered the event"),
        new("service", "service", true, AttributeRole.Content, "the alerting service or project"),
        new("user", "user", true, AttributeRole.Identity, "the chat user's stable id (Slack U..., Telegram and Discord numbers)"),
        new("user_name", "username", false, AttributeRole.Content, "the chat user's display name, which they can change"),
        new("url", "url", false, AttributeRole.Content, "a link to the event"),
        new("chat_id", "chatid", false, AttributeRole.Content, "the chat a message came from"),
        new("message_id", "messageid", false, AttributeRole.Content, "the chat message"),
        new("reply_to", "replyto", false, AttributeRole.Content, "the message this one answers"),
        new("quoted", "quoted", false, AttributeRole.Content, "the start of the quoted message"),
    ];

    /// <summary>The keys a playbook rule may test, in the order above.</summary>
    public static IEnumerable<EventField> Testables => All.Where(a => a.Testable);

    public static EventField? Find(string key) => All.FirstOrDefault(a => a.Key == key);

    /// <summary>Who controls this attribute on events of <paramref name="kind"/>.</summary>
    public AttributeProvenance ProvenanceFor(SourceKind kind)
    {
        ArgumentNullException.ThrowIfNull(kind);
        return (Role, kind.Credential) switch
        {
            (AttributeRole.App, _) => AttributeProvenance.App,
            (_, SourceCredential.SharedToken) => AttributeProvenance.ChosenByTokenHolder,
            (AttributeRole.Identity, _) => AttributeProvenance.VerifiedIdentity,
            // A chat event is a message, an answer or a permission answer: the app names which.
            (AttributeRole.EventType, SourceCredential.ChatAllowlist) => AttributeProvenance.App,
            _ => AttributeProvenance.ChosenByTrigger,
        };
    }
}
