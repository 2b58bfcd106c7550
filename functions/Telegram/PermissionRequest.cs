using System.Text.Json.Serialization;
using Serverless.Functions.Relay;

namespace Serverless.Functions.Telegram;

/// <summary><c>POST /api/relay/permission</c>: Claude Code's permission_request, as the relay got it.</summary>
public sealed record PermissionRequest(
    string? Channel,
    [property: JsonPropertyName("request_id")] string? RequestId,
    [property: JsonPropertyName("tool_name")] string? ToolName,
    string? Description,
    [property: JsonPropertyName("input_preview")] string? InputPreview) : IChannelScoped;
