namespace Serverless.Functions.Questions;

/// <summary>A question asked with <c>ask_user</c>, as the app keeps it from the ask to its answer or expiry.</summary>
public sealed record QuestionRecord
{
    /// <summary>32 hex digits, new for every ask (a repeated key asked afresh gets a new one, so old buttons never answer it).</summary>
    public required string Id { get; init; }

    public required string Channel { get; init; }

    /// <summary><see cref="QuestionKey"/>: the same ask again finds this question.</summary>
    public required string KeyHash { get; init; }

    /// <summary>The chat transport that carries it (<c>telegram</c>).</summary>
    public required string Transport { get; init; }

    public required string ChatId { get; init; }

    public required string Text { get; init; }

    public required IReadOnlyList<string> Options { get; init; }

    public QuestionFormat Format { get; init; }

    public required int TimeoutSeconds { get; init; }

    public required DateTimeOffset AskedAt { get; init; }

    public DateTimeOffset ExpiresAt => AskedAt.AddSeconds(TimeoutSeconds);

    public QuestionState State { get; init; } = QuestionState.Waiting;

    public string? Answer { get; init; }

    public int? Option { get; init; }

    public string? AnsweredBy { get; init; }

    public DateTimeOffset? ClosedAt { get; init; }

    /// <summary>The messages that carry the question, so their buttons can be replaced by the outcome.</summary>
    public IReadOnlyList<QuestionMessage> Messages { get; init; } = [];

    public bool FormattingDropped { get; init; }

    /// <summary>The record closed as <paramref name="closing"/> says.</summary>
    public QuestionRecord Closed(QuestionClosing closing)
    {
        ArgumentNullException.ThrowIfNull(closing);
        return this with
        {
            State = closing.State,
            Answer = closing.Answer,
            Option = closing.Option,
            AnsweredBy = closing.AnsweredBy,
            ClosedAt = closing.At,
        };
    }
}
