namespace Serverless.Functions.Questions;

/// <summary>
/// Who answered: the transport's stable user id (for the allowlist and as the identity), the text shown to
/// Claude (<c>U0ALICE1 (alice)</c>: the id, and the name the service shows in parentheses), and that name alone.
/// </summary>
public sealed record QuestionResponder(string UserId, string Name, string? DisplayName = null);
