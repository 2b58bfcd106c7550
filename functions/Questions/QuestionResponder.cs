namespace Serverless.Functions.Questions;

/// <summary>Who answered: the transport's user id (for the allowlist) and the name shown to Claude (<c>@username</c> or the id).</summary>
public sealed record QuestionResponder(string UserId, string Name);
