namespace Serverless.Functions.Questions;

/// <summary>What one sweep did: questions closed because their time ran out, and old closed ones forgotten.</summary>
public readonly record struct QuestionSweep(int Closed, int Removed);
