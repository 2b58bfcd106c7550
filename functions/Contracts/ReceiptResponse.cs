namespace Serverless.Contracts;

/// <summary>Whether the message got its receipt; <see cref="Reason"/> says why not (receipts are off for that kind of chat).</summary>
public sealed record ReceiptResponse(bool Reacted, string? Reason = null);
