namespace Serverless.Functions.Questions;

/// <summary>
/// Questions, the latest question of each key, and the one waiting question of each chat. Every change
/// that touches more than one of them is atomic, so a chat is never held by a closed question and a key
/// never points at a question that was not recorded.
/// </summary>
public interface IQuestionStore
{
    Task<QuestionRecord?> GetAsync(string id, CancellationToken cancellationToken);

    /// <summary>The latest question asked with this key hash.</summary>
    Task<QuestionRecord?> FindByKeyAsync(string keyHash, CancellationToken cancellationToken);

    /// <summary>The question that holds the chat: recorded and not closed.</summary>
    Task<QuestionRecord?> WaitingInChatAsync(string transport, string chatId, CancellationToken cancellationToken);

    /// <summary>
    /// Records a new question, makes it its key's latest (only if the key's latest is still
    /// <paramref name="replacing"/>, or none when null) and lets it hold its chat (only if no question does).
    /// </summary>
    Task<QuestionAdd> TryAddAsync(QuestionRecord question, string? replacing, CancellationToken cancellationToken);

    /// <summary>Closes a waiting question and frees its chat; null when it is unknown or closed already (the first closing wins).</summary>
    Task<QuestionRecord?> TryCloseAsync(string id, QuestionClosing closing, CancellationToken cancellationToken);

    /// <summary>Records the messages that carry the question, whatever its state; returns it as it now stands.</summary>
    Task<QuestionRecord?> SaveMessagesAsync(string id, IReadOnlyList<QuestionMessage> messages, bool formattingDropped, CancellationToken cancellationToken);

    /// <summary>The questions that hold a chat (recorded, not closed): one per chat at most, so a short list.</summary>
    Task<IReadOnlyList<QuestionRecord>> HoldingChatsAsync(CancellationToken cancellationToken);

    /// <summary>Forgets the questions closed before <paramref name="closedBefore"/>, with their key's pointer when it still names them; returns how many.</summary>
    Task<int> RemoveClosedBeforeAsync(DateTimeOffset closedBefore, CancellationToken cancellationToken);
}
