namespace Serverless.Contracts;

/// <summary>How many receipts removed an event; stale receipts mean the event comes again.</summary>
public sealed record AckResponse(int Acknowledged, int Stale);
