using Serverless.Contracts;

namespace Serverless.Relay.Connection;

/// <summary>The function app's Telegram calls for this relay's channel.</summary>
public interface IChatApi
{
    /// <summary>Sends text (split at 4,096 characters); no chat id means the channel's notification chat.</summary>
    Task<ReplyResponse> ReplyAsync(string? chatId, string text, long? replyTo, string? format, CancellationToken cancellationToken);

    Task<ReplyResponse> ReactAsync(string chatId, long messageId, string emoji, CancellationToken cancellationToken);

    /// <summary>Tells the app a chat message was shown in the session; it reacts on it where receipts are on.</summary>
    Task<ReceiptResponse> ReceiptAsync(string chatId, long messageId, CancellationToken cancellationToken);

    Task<ReplyResponse> EditAsync(string chatId, long messageId, string text, CancellationToken cancellationToken);

    /// <summary>Asks the paired chats to allow or deny a tool call.</summary>
    Task RequestPermissionAsync(string requestId, string toolName, string description, string inputPreview, CancellationToken cancellationToken);

    /// <summary>Approves a pairing code for this channel.</summary>
    Task<PairResponse> PairAsync(string code, CancellationToken cancellationToken);

    Task<CapabilitiesResponse> CapabilitiesAsync(CancellationToken cancellationToken);
}
