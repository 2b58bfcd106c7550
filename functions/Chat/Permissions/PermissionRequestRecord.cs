namespace Serverless.Functions.Chat.Permissions;

/// <summary>A tool-use permission request as sent to the paired chats of every transport, and its outcome once answered.</summary>
public sealed record PermissionRequestRecord(
    string RequestId,
    string Channel,
    string ToolName,
    string Description,
    string InputPreview,
    IReadOnlyList<SentPermissionMessage> Messages,
    string? Outcome);

/// <summary>A message that carries the request's buttons, so they can be replaced by the outcome.</summary>
public sealed record SentPermissionMessage(string Transport, string ChatReference, string MessageId);
