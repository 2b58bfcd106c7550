namespace Serverless.Contracts;

/// <summary>
/// A question as the function app keeps it: the answer of <c>POST /api/relay/questions</c> and of
/// <c>GET /api/relay/questions/{id}</c>. <see cref="SecondsLeft"/> is counted on the app's clock, so the
/// relay waits that long rather than comparing clocks.
/// </summary>
public sealed record QuestionStatus(
    string Id,
    QuestionState State,
    string ChatId,
    string Question,
    IReadOnlyList<string> Options,
    int TimeoutSeconds,
    DateTimeOffset AskedAt,
    DateTimeOffset ExpiresAt,
    int SecondsLeft)
{
    /// <summary>The option chosen or the text typed; only when answered.</summary>
    public string? Answer { get; init; }

    /// <summary>The chosen option's index (0-based), when the answer was a button.</summary>
    public int? Option { get; init; }

    /// <summary>Who answered: <c>@username</c> or a user id.</summary>
    public string? AnsweredBy { get; init; }

    /// <summary>The chat transport, e.g. <c>telegram</c>.</summary>
    public string? Via { get; init; }

    /// <summary>True when the chat refused the formatting and the question went as plain text.</summary>
    public bool? FormattingDropped { get; init; }
}
