namespace Serverless.Contracts;

/// <summary><c>POST /api/relay/permission</c>: Claude Code's permission_request, as the relay got it.</summary>
public sealed record PermissionRequest(
    string? Channel,
    string? RequestId,
    string? ToolName,
    string? Description,
    string? InputPreview) : IChannelScoped;
