using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Serverless.Relay.Connection;

namespace Serverless.Relay.Channel;

/// <summary>Passes Claude Code's <c>permission_request</c> notifications to the function app, which asks the paired chats.</summary>
public sealed partial class PermissionForwarder(IChatApi chat, PermissionCapability capability)
{
    public ILogger Logger { get; set; } = NullLogger.Instance;

    public async ValueTask ForwardAsync(JsonNode? parameters, CancellationToken cancellationToken)
    {
        // Claude Code adds fields over time (tool_kind, mcp_server, ...): read the ones we use, ignore the rest.
        var requestId = Text(parameters, "request_id");
        if (!PermissionRequestId.IsValid(requestId))
        {
            LogMalformed(Logger);
            return;
        }

        if (!capability.Declared)
        {
            LogIgnored(Logger, requestId);
            return;
        }

        try
        {
            await chat.RequestPermissionAsync(
                requestId,
                Text(parameters, "tool_name") ?? "a tool",
                Text(parameters, "description") ?? string.Empty,
                Text(parameters, "input_preview") ?? string.Empty,
                cancellationToken).ConfigureAwait(false);
            LogForwarded(Logger, requestId);
        }
        catch (RelayApiException ex)
        {
            // Claude Code still shows its own prompt in the terminal; the phone just does not get this one.
            LogFailed(Logger, requestId, ex.Message);
        }
    }

    private static string? Text(JsonNode? parameters, string name) => JsonRead.Text((parameters as JsonObject)?[name]);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Ignored a permission request without a valid request_id (five letters a-z without 'l')")]
    private static partial void LogMalformed(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "Sent permission request {RequestId} to the paired Telegram chats")]
    private static partial void LogForwarded(ILogger logger, string requestId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Permission request {RequestId} not forwarded: this session did not declare permission relay (no paired chat was known at start-up)")]
    private static partial void LogIgnored(ILogger logger, string requestId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Permission request {RequestId} could not be sent: {Reason}")]
    private static partial void LogFailed(ILogger logger, string requestId, string reason);
}
