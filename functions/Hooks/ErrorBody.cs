namespace Serverless.Functions.Hooks;

/// <summary>The JSON body of every error answer: <c>{"error":"..."}</c>.</summary>
public sealed record ErrorBody(string Error);
