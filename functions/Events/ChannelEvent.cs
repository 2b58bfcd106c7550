using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Serverless.Functions.Events;

/// <summary>
/// The one envelope for every source: a CloudEvents 1.0 JSON event whose extension attributes
/// (lower-case strings, as CloudEvents requires) carry what the channel needs.
/// </summary>
public sealed record ChannelEvent
{
    private static readonly System.Buffers.SearchValues<char> IdCharacters =
        System.Buffers.SearchValues.Create("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ");

    /// <summary>
    /// An event id as this app makes them and as the relay may send one back: 1 to 64 letters and digits.
    /// Anything else that arrives where an id is expected is refused, not looked up.
    /// </summary>
    public static bool IsValidId(ReadOnlySpan<char> id) => id.Length is > 0 and <= 64 && !id.ContainsAnyExcept(IdCharacters);

    [JsonPropertyName("specversion")]
    public string SpecVersion { get; init; } = "1.0";

    [JsonPropertyName("id")]
    public required string Id { get; init; }

    /// <summary>Where it came from, e.g. <c>/hooks/generic</c>.</summary>
    [JsonPropertyName("source")]
    public required string Source { get; init; }

    /// <summary><c>{kind}.{eventtype}</c>, e.g. <c>generic.webhook</c>.</summary>
    [JsonPropertyName("type")]
    public required string Type { get; init; }

    [JsonPropertyName("time")]
    public required DateTimeOffset Time { get; init; }

    [JsonPropertyName("subject")]
    public string? Subject { get; init; }

    [JsonPropertyName("datacontenttype")]
    public string? DataContentType { get; init; }

    /// <summary>The payload as received: JSON, or a string for text.</summary>
    [JsonPropertyName("data")]
    public JsonNode? Data { get; init; }

    /// <summary>
    /// CloudEvents <c>dataref</c> extension: set when the payload was too large for the queue and is
    /// fetched from this relay API path instead (<see cref="Data"/> is then absent).
    /// </summary>
    [JsonPropertyName("dataref")]
    public string? DataRef { get; init; }

    /// <summary>Extension: the channel (relay) the event is for.</summary>
    [JsonPropertyName("channel")]
    public required string Channel { get; init; }

    /// <summary>Extension: the source name (<c>generic</c>, <c>github</c>, ...).</summary>
    [JsonPropertyName("kind")]
    public required string Kind { get; init; }

    /// <summary>Extension: the provider's event type.</summary>
    [JsonPropertyName("eventtype")]
    public required string EventType { get; init; }

    /// <summary>Extension: the provider's delivery id, the key for deduplication.</summary>
    [JsonPropertyName("deliveryid")]
    public string? DeliveryId { get; init; }

    /// <summary>Extension: <see cref="TrustLevel"/> of whoever wrote the content.</summary>
    [JsonPropertyName("trust")]
    public required string Trust { get; init; }

    /// <summary>Extension: a short human summary, the channel notification's content.</summary>
    [JsonPropertyName("summary")]
    public required string Summary { get; init; }

    [JsonPropertyName("severity")]
    public string? Severity { get; init; }

    [JsonPropertyName("url")]
    public string? Url { get; init; }

    [JsonPropertyName("repo")]
    public string? Repo { get; init; }

    /// <summary>Extension: the branch a run, push or pull request is on (GitHub, GitLab).</summary>
    [JsonPropertyName("branch")]
    public string? Branch { get; init; }

    /// <summary>Extension: <c>true</c> when the head repository is not the base repository, else <c>false</c> (GitHub, GitLab).</summary>
    [JsonPropertyName("fork")]
    public string? Fork { get; init; }

    /// <summary>Extension: the provider's login of whoever triggered the event (GitHub, GitLab).</summary>
    [JsonPropertyName("actor")]
    public string? Actor { get; init; }

    [JsonPropertyName("service")]
    public string? Service { get; init; }

    /// <summary>Extension: the Telegram chat a message came from (and a reply goes to).</summary>
    [JsonPropertyName("chatid")]
    public string? ChatId { get; init; }

    [JsonPropertyName("messageid")]
    public string? MessageId { get; init; }

    /// <summary>Extension: the sender's stable id on the chat service (Slack <c>U…</c>, Telegram and Discord numbers), never a name.</summary>
    [JsonPropertyName("user")]
    public string? User { get; init; }

    /// <summary>Extension: the sender's name as the service shows it; anyone can change theirs, so it is display only.</summary>
    [JsonPropertyName("username")]
    public string? UserName { get; init; }

    /// <summary>Extension: the message this one replies to.</summary>
    [JsonPropertyName("replyto")]
    public string? ReplyTo { get; init; }

    /// <summary>Extension: the start of the quoted message, for context.</summary>
    [JsonPropertyName("quoted")]
    public string? Quoted { get; init; }

    /// <summary>Extension: a permission answer's request id (five letters).</summary>
    [JsonPropertyName("requestid")]
    public string? RequestId { get; init; }

    /// <summary>Extension: a permission answer, <c>allow</c> or <c>deny</c>.</summary>
    [JsonPropertyName("behavior")]
    public string? Behavior { get; init; }

    /// <summary>Extension: the id of the event this one sends again (<c>relay replay</c>); shown as the <c>replay_of</c> meta key.</summary>
    [JsonPropertyName("replayof")]
    public string? ReplayOf { get; init; }

    /// <summary>CloudEvents distributed tracing extension: the W3C trace context of the span that accepted the event, when tracing is on.</summary>
    [JsonPropertyName("traceparent")]
    public string? TraceParent { get; init; }
}
