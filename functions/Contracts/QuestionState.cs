using System.Text.Json.Serialization;

namespace Serverless.Contracts;

/// <summary>Where a question asked with <c>ask_user</c> stands.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<QuestionState>))]
public enum QuestionState
{
    /// <summary>Sent to the chat, its buttons live, no answer yet.</summary>
    [JsonStringEnumMemberName("waiting")]
    Waiting,

    /// <summary>Someone allowed on the channel answered; the first answer wins.</summary>
    [JsonStringEnumMemberName("answered")]
    Answered,

    /// <summary>Its time ran out with no answer.</summary>
    [JsonStringEnumMemberName("expired")]
    Expired,

    /// <summary>The chat could not be reached, so nobody saw it.</summary>
    [JsonStringEnumMemberName("failed")]
    Failed,

    /// <summary>Claude stopped waiting (its tool call was cancelled) before anyone answered.</summary>
    [JsonStringEnumMemberName("withdrawn")]
    Withdrawn,
}
