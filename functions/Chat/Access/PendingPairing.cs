namespace Serverless.Functions.Chat.Access;

/// <summary>A code given to an unknown private sender, waiting for the owner's <c>relay pair CODE</c>.</summary>
public sealed record PendingPairing(string Code, string UserId, string Chat, DateTimeOffset ExpiresAt, int Replies);
