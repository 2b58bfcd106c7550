using System.Text.Json.Serialization;

namespace Serverless.Contracts;

/// <summary>The steps an accepted event passes, in the order it normally passes them.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<EventStep>))]
public enum EventStep
{
    [JsonStringEnumMemberName("received")]
    Received,

    [JsonStringEnumMemberName("stored")]
    Stored,

    [JsonStringEnumMemberName("rung")]
    Rung,

    [JsonStringEnumMemberName("taken")]
    Taken,

    [JsonStringEnumMemberName("shown")]
    Shown,

    [JsonStringEnumMemberName("acknowledged")]
    Acknowledged,

    [JsonStringEnumMemberName("dead_lettered")]
    DeadLettered,

    [JsonStringEnumMemberName("released")]
    Released,
}
