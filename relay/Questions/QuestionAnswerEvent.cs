using Serverless.Contracts;
using Serverless.Relay.Delivery;

namespace Serverless.Relay.Questions;

/// <summary>
/// The function app's event for an answered question: a <see cref="DecisionKind.Answer"/> decision (from a chat
/// user allowed on the channel, never a replay; see <see cref="DecisionEvents"/>) with <c>subject</c>
/// <c>questions/{id}</c>. No webhook sender can make one.
/// </summary>
public static class QuestionAnswerEvent
{
    private const string SubjectPrefix = "questions/";

    /// <summary>The question the event answers; null for any other event.</summary>
    public static string? QuestionId(RelayEvent relayEvent)
    {
        ArgumentNullException.ThrowIfNull(relayEvent);
        return relayEvent.Decision == DecisionKind.Answer
            && relayEvent.Attribute("subject") is { } subject
            && subject.StartsWith(SubjectPrefix, StringComparison.Ordinal)
            && QuestionLimits.IsQuestionId(subject[SubjectPrefix.Length..])
                ? subject[SubjectPrefix.Length..]
                : null;
    }
}
