namespace Serverless.Contracts;

/// <summary>The new event's id, and the event it sends again (its <c>replay_of</c> meta key).</summary>
public sealed record ReplayResponse(string Id, string ReplayOf);
