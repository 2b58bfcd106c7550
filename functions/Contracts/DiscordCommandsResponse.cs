namespace Serverless.Contracts;

/// <summary>What <c>POST /api/relay/discord/commands</c> registered: the application and its slash commands now, by name.</summary>
public sealed record DiscordCommandsResponse(string ApplicationId, IReadOnlyList<string> Commands);
