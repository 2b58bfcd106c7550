namespace Serverless.Functions.Questions;

public enum AskOutcome
{
    /// <summary>Sent to the chat now.</summary>
    Asked,

    /// <summary>The same key was asked before: this is that question, waiting or answered.</summary>
    Existing,

    /// <summary>Another question waits in the chat.</summary>
    ChatBusy,

    /// <summary>The chat may not be asked (or none was given and the channel has no notification chat).</summary>
    ChatRefused,

    /// <summary>The chat service did not take it.</summary>
    NotSent,
}

/// <summary>What became of an ask: the question, or what stopped it (<see cref="Detail"/>, for the caller).</summary>
public sealed record AskResult(AskOutcome Outcome, QuestionRecord? Question = null, string? Detail = null, bool Forbidden = false);
