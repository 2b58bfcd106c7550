namespace Serverless.Relay.Connection;

/// <summary>An event moved to the channel's dead-letter queue after too many attempts.</summary>
public sealed record DeadLetterNotice(string Id, string Kind, long Attempts, string Queue);
