namespace Serverless.Contracts;

/// <summary>The client access URL for the caller's channel, and when it stops working.</summary>
public sealed record NegotiateResponse(Uri Url, string Channel, DateTimeOffset ExpiresOn);
