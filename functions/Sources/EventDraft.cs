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

    public string? Service { get; init; }

    public string? ChatId { get; init; }

    public string? MessageId { get; init; }

    public string? User { get; init; }

    public string? ReplyTo { get; init; }

    public string? Quoted { get; init; }

    public string? RequestId { get; init; }

    public string? Behavior { get; init; }

    public JsonNode? Data { get; init; }

    public string? DataContentType { get; init; }
}
