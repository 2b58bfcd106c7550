namespace Serverless.Contracts;

/// <summary>An event that could not be delivered after the allowed attempts; it waits in <see cref="Queue"/>.</summary>
public sealed record DeadLetteredEvent(string Id, string Kind, long Attempts, string Queue);
