namespace Serverless.Functions.History;

/// <summary>How many deliveries of one source a channel refused for one reason, and when the last one was.</summary>
public sealed record RefusalCount(string Channel, string Source, RefusalReason Reason, long Count, DateTimeOffset LastAt);
