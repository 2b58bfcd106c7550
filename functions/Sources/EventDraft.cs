using System.Text.Json.Nodes;

namespace Serverless.Functions.Sources;

/// <summary>What an adapter makes of a verified delivery, before the envelope gets its id and time.</summary>
public sealed record EventDraft
{
    public required string EventType { get; init; }

    /// <summary>At most a few lines: what happened, where, who, severity, link.</summary>
    public required string Summary { get; init; }

    public required string Trust { get; init; }

    public string? Subject { get; init; }

    /// <summary>The provider's own id for this delivery; redeliveries carry the same one.</summary>
    public string? DeliveryId { get; init; }

    /// <summary>
    /// For providers that sign the body but carry the delivery id (or the event name) in a header outside the
    /// signature: a hash of the signed body, remembered as long as a delivery id, so a captured body sent again
    /// under a new id or another event header is still the one delivery it was.
    /// </summary>
    public string? SignedBodyKey { get; init; }

    /// <summary>
    /// For providers without delivery ids: a hash of the body, so a retry of the same request is
    /// recognised for a short while (but a later, identical repeat notification is not).
    /// </summary>
    public string? ContentKey { get; init; }

    /// <summary><c>failure</c> or <c>success</c> for CI results; filters can keep only failures.</summary>
    public string? Outcome { get; init; }

    public string? Severity { get; init; }

    public string? Url { get; init; }

    public string? Repo { get; init; }

    /// <summary>The branch a run, push or pull request is on.</summary>
    public string? Branch { get; init; }

    /// <summary>True when the head repository is not the base repository (a fork's pull request); null where the payload cannot tell.</summary>
    public bool? Fork { get; init; }

    /// <summary>The provider's login of whoever triggered the event.</summary>
    public string? Actor { get; init; }

    public string? Service { get; init; }

    public string? ChatId { get; init; }

    public string? MessageId { get; init; }

    /// <summary>The chat user's stable id (never a display name: anyone can rename themselves "alice").</summary>
    public string? User { get; init; }

    /// <summary>The chat user's name as the service shows it: display only, never an identity.</summary>
    public string? UserName { get; init; }

    public string? ReplyTo { get; init; }

    public string? Quoted { get; init; }

    public string? RequestId { get; init; }

    public string? Behavior { get; init; }

    public JsonNode? Data { get; init; }

    public string? DataContentType { get; init; }
}
