using Serverless.Contracts;

namespace Serverless.Relay.Connection;

/// <summary>The function app's questions for this relay's channel: they live there, so a relay restart loses none.</summary>
public interface IQuestionApi
{
    /// <summary>Asks in the chat, or returns the question already asked with the same key.</summary>
    Task<QuestionStatus> AskAsync(AskRequest question, CancellationToken cancellationToken);

    /// <summary>Where the question stands; reading it past its time closes it.</summary>
    Task<QuestionStatus> GetQuestionAsync(string questionId, CancellationToken cancellationToken);

    /// <summary>Closes a waiting question because Claude no longer waits for it; returns it as it now stands.</summary>
    Task<QuestionStatus> WithdrawQuestionAsync(string questionId, CancellationToken cancellationToken);
}
