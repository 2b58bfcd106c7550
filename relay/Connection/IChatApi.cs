using Serverless.Contracts;

namespace Serverless.Relay.Connection;

/// <summary>The function app's chat calls for this relay's channel; each goes to the transport its chat id names (<see cref="ChatReference"/>).</summary>
public interface IChatApi
{
    /// <summary>Sends text (split at the service's message length); no chat id means the channel's notification chat.</summary>
    Task<ReplyResponse> ReplyAsync(string? chatId, string text, string? replyTo, string? format, CancellationToken cancellationToken);

    Task<ReplyResponse> ReactAsync(string chatId, string messageId, string emoji, CancellationToken cancellationToken);

    /// <summary>Tells the app a chat message was shown in the session; it reacts on it where receipts are on.</summary>
    Task<ReceiptResponse> ReceiptAsync(string chatId, string messageId, CancellationToken cancellationToken);

    Task<ReplyResponse> EditAsync(string chatId, string messageId, string text, CancellationToken cancellationToken);

    /// <summary>Asks the paired chats to allow or deny a tool call.</summary>
    Task RequestPermissionAsync(string requestId, string toolName, string description, string inputPreview, CancellationToken cancellationToken);

    /// <summary>Approves a pairing code for this channel.</summary>
    Task<PairResponse> PairAsync(string code, CancellationToken cancellationToken);

    Task<CapabilitiesResponse> CapabilitiesAsync(CancellationToken cancellationToken);
}
