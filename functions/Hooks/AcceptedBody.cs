namespace Serverless.Functions.Hooks;

/// <summary>The 202 answer to a stored webhook.</summary>
public sealed record AcceptedBody(string Id);
