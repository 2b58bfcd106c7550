namespace Serverless.Functions.Hooks;

/// <summary>The 200 answer to a verified delivery that is deliberately not forwarded.</summary>
public sealed record IgnoredBody(string Status, string Reason);
