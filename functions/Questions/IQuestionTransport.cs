namespace Serverless.Functions.Questions;

/// <summary>
/// The seam between questions and a chat service: Telegram today, Slack and Discord through the same
/// members later. Everything about asking, answering, expiring and telling the relay stays in
/// <see cref="QuestionDesk"/>.
/// </summary>
public interface IQuestionTransport
{
    /// <summary>The transport's name: the answer event's kind, and the namespace of its chat ids.</summary>
    string Name { get; }

    bool Enabled { get; }

    /// <summary>The chat to ask in: the one given, if the channel may write to it, else the channel's notification chat.</summary>
    Task<QuestionChat> ResolveChatAsync(string channel, string? chatId, CancellationToken cancellationToken);

    /// <summary>Shows the question with a button per option.</summary>
    /// <exception cref="QuestionNotSentException">The chat service refused it or could not be reached.</exception>
    Task<SentQuestion> SendAsync(QuestionRecord question, CancellationToken cancellationToken);

    /// <summary>Replaces the question's buttons by its outcome, best effort (a failure is logged).</summary>
    Task ShowOutcomeAsync(QuestionRecord question, CancellationToken cancellationToken);

    /// <summary>Whether this user may answer the channel's questions.</summary>
    Task<bool> MayAnswerAsync(string userId, string channel, CancellationToken cancellationToken);
}

/// <summary>The chat a question goes to, or why it may not go there.</summary>
public sealed record QuestionChat(string? ChatId, string? Refusal = null, bool Forbidden = false);

/// <summary>The messages that now carry the question; <see cref="FormattingDropped"/> when it went as plain text.</summary>
public sealed record SentQuestion(IReadOnlyList<QuestionMessage> Messages, bool FormattingDropped);
