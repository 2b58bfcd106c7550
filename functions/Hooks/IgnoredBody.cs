using System.Text.Json.Serialization;

namespace Serverless.Functions.Hooks;

/// <summary>The 200 answer to a verified delivery that is deliberately not forwarded.</summary>
public sealed record IgnoredBody(DeliveryOutcome Status, string Reason);

/// <summary>Why a verified delivery answered 200 instead of 202.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<DeliveryOutcome>))]
public enum DeliveryOutcome
{
    /// <summary>The source sent something that is not an event (a ping, an unsupported kind).</summary>
    [JsonStringEnumMemberName("ignored")]
    Ignored,

    /// <summary>The channel's filters turned it away.</summary>
    [JsonStringEnumMemberName("filtered")]
    Filtered,

    /// <summary>The same delivery was accepted before.</summary>
    [JsonStringEnumMemberName("duplicate")]
    Duplicate,

    /// <summary>A Telegram update that was acted on (a pairing, a permission answer) or deliberately not.</summary>
    [JsonStringEnumMemberName("handled")]
    Handled,
}
