namespace Serverless.Functions.Questions;

public enum AnswerOutcome
{
    Answered,

    /// <summary>The user is not allowed on the question's channel, or there is no such question for them: told the same, so nothing is revealed.</summary>
    NotAllowed,

    /// <summary>Answered before, expired, or never reached its chat.</summary>
    Closed,

    /// <summary>An option the question does not have.</summary>
    NoSuchOption,
}

/// <summary>What an answer did, and a short text for the person who gave it.</summary>
public sealed record AnswerResult(AnswerOutcome Outcome, string Message);
