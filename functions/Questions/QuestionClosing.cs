namespace Serverless.Functions.Questions;

/// <summary>How a waiting question ends: answered (with what, by whom), expired, or failed to reach its chat.</summary>
public sealed record QuestionClosing(QuestionState State, DateTimeOffset At, string? Answer = null, int? Option = null, string? AnsweredBy = null);
