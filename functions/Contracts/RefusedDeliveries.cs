namespace Serverless.Contracts;

/// <summary>How many deliveries of one source the channel refused for one reason (bad_signature, too_large, invalid, filtered), and the last time.</summary>
public sealed record RefusedDeliveries(string Source, string Reason, long Count, DateTimeOffset LastAt);
