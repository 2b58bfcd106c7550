using System.Text.Json.Nodes;

namespace Serverless.Relay.Connection;

/// <summary>The function app's Telegram calls for this relay's channel.</summary>
public interface IChatApi
{
    /// <summary>Sends text (split at 4,096 characters); no chat id means the channel's notification chat.</summary>
    Task<JsonObject> ReplyAsync(string? chatId, string text, long? replyTo, string? format, CancellationToken cancellationToken);

    Task<JsonObject> ReactAsync(string chatId, long messageId, string emoji, CancellationToken cancellationToken);

    Task<JsonObject> EditAsync(string chatId, long messageId, string text, CancellationToken cancellationToken);

    /// <summary>Asks the paired chats to allow or deny a tool call.</summary>
    Task RequestPermissionAsync(string requestId, string toolName, string description, string inputPreview, CancellationToken cancellationToken);

    /// <summary>Approves a pairing code for this channel.</summary>
    Task<JsonObject> PairAsync(string code, CancellationToken cancellationToken);

    Task<JsonObject> CapabilitiesAsync(CancellationToken cancellationToken);
}
