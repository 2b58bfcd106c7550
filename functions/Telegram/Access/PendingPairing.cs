namespace Serverless.Functions.Telegram.Access;

/// <summary>A code given to an unknown private sender, waiting for the owner's <c>relay pair CODE</c>.</summary>
public sealed record PendingPairing(string Code, long UserId, long ChatId, DateTimeOffset ExpiresAt, int Replies);
