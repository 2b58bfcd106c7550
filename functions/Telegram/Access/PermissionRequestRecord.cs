namespace Serverless.Functions.Telegram.Access;

/// <summary>A tool-use permission request as sent to the allowlisted chats, and its outcome once answered.</summary>
public sealed record PermissionRequestRecord(
    string RequestId,
    string Channel,
    string ToolName,
    string Description,
    string InputPreview,
    IReadOnlyList<SentMessage> Messages,
    string? Outcome);
