namespace Serverless.Functions.Questions;

/// <summary>The local default's question store, in memory: the same rules as the table, under one lock.</summary>
public sealed class EmbeddedQuestionStore : IQuestionStore
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, QuestionRecord> _questions = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _latestByKey = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Transport, string ChatId), string> _waitingByChat = [];

    public Task<QuestionRecord?> GetAsync(string id, CancellationToken cancellationToken) =>
        Locked(() => _questions.GetValueOrDefault(id));

    public Task<QuestionRecord?> FindByKeyAsync(string keyHash, CancellationToken cancellationToken) =>
        Locked(() => _latestByKey.TryGetValue(keyHash, out var id) ? _questions.GetValueOrDefault(id) : null);

    public Task<QuestionRecord?> WaitingInChatAsync(string transport, string chatId, CancellationToken cancellationToken) =>
        Locked(() => _waitingByChat.TryGetValue((transport, chatId), out var id) ? _questions.GetValueOrDefault(id) : null);

    public Task<QuestionAdd> TryAddAsync(QuestionRecord question, string? replacing, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(question);
        return Locked(() =>
        {
            if (_latestByKey.GetValueOrDefault(question.KeyHash) != replacing)
            {
                return QuestionAdd.KeyTaken;
            }

            if (!_waitingByChat.TryAdd((question.Transport, question.ChatId), question.Id))
            {
                return QuestionAdd.ChatBusy;
            }

            _questions.Add(question.Id, question);
            _latestByKey[question.KeyHash] = question.Id;
            return QuestionAdd.Added;
        });
    }

    public Task<QuestionRecord?> TryCloseAsync(string id, QuestionClosing closing, CancellationToken cancellationToken) => Locked(() =>
    {
        if (!_questions.TryGetValue(id, out var question) || question.State != QuestionState.Waiting)
        {
            return null;
        }

        var closed = question.Closed(closing);
        _questions[id] = closed;
        _waitingByChat.Remove((question.Transport, question.ChatId));
        return closed;
    });

    public Task<QuestionRecord?> SaveMessagesAsync(string id, IReadOnlyList<QuestionMessage> messages, bool formattingDropped, CancellationToken cancellationToken) => Locked(() =>
    {
        if (!_questions.TryGetValue(id, out var question))
        {
            return null;
        }

        var saved = question with
        {
            Messages = messages,
            FormattingDropped = formattingDropped,
            Format = formattingDropped ? QuestionFormat.Text : question.Format,
        };
        _questions[id] = saved;
        return saved;
    });

    public Task<IReadOnlyList<QuestionRecord>> HoldingChatsAsync(CancellationToken cancellationToken) =>
        Locked<IReadOnlyList<QuestionRecord>>(() => [.. _waitingByChat.Values.Select(id => _questions[id])]);

    public Task<int> RemoveClosedBeforeAsync(DateTimeOffset closedBefore, CancellationToken cancellationToken) => Locked(() =>
    {
        var old = _questions.Values.Where(q => q.State != QuestionState.Waiting && q.ClosedAt < closedBefore).ToList();
        foreach (var question in old)
        {
            _questions.Remove(question.Id);
            if (_latestByKey.GetValueOrDefault(question.KeyHash) == question.Id)
            {
                _latestByKey.Remove(question.KeyHash);
            }
        }

        return old.Count;
    });

    private Task<T> Locked<T>(Func<T> action)
    {
        lock (_gate)
        {
            return Task.FromResult(action());
        }
    }
}
