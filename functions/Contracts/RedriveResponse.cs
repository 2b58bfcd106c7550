namespace Serverless.Contracts;

/// <summary>The events moved from the dead-letter queue back into the channel's queue, by id.</summary>
public sealed record RedriveResponse(int Redriven, IReadOnlyList<string> Events);
