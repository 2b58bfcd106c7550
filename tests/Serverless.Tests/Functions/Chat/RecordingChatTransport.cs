using System.Collections.Concurrent;
using Serverless.Functions.Chat;

namespace Serverless.Tests.Functions.Chat;

/// <summary>
/// A chat transport that only records, to prove the shared code treats any transport alike: references are
/// <c>pigeon:ID</c>, messages at most 300 characters, group <c>pigeon:g1</c> allowed, notification chat
/// <c>pigeon:n1</c> for channel <c>default</c>, user <c>u1</c> configured.
/// </summary>
public sealed class RecordingChatTransport : IChatTransport
{
    private int _nextId = 100;

    public ConcurrentQueue<ChatOutgoingMessage> Sent { get; } = new();

    public ConcurrentQueue<(string Chat, string MessageId, string Text)> Edited { get; } = new();

    public ConcurrentQueue<(string Chat, string MessageId, string Emoji)> Reactions { get; } = new();

    /// <summary>Refuse markdown the way Telegram refuses a bad MarkdownV2.</summary>
    public bool RefusesMarkdown { get; set; }

    public string Name => "pigeon";

    public string DisplayName => "Pigeon";

    public bool Enabled => true;

    public string EnablingSettings => "Pigeon:Key";

    public int MaxMessageLength => 300;

    public ChatPolicy Policy => ChatPolicy.Pairing;

    public string DefaultChannel => "default";

    public IReadOnlyCollection<string> ConfiguredUsers => ["u1"];

    public string PrivateChatOf(string userId) => $"pigeon:{userId}";

    public string ReceiptEmoji => "eyes";

    public string? ConversationOf(string chatReference)
    {
        ArgumentNullException.ThrowIfNull(chatReference);
        var parts = chatReference.Split(':');
        return parts is ["pigeon", var chat, ..] && chat.Length > 0 ? $"pigeon:{chat}" : null;
    }

    public string? NotificationChat(string channel) => channel == "default" ? "pigeon:n1" : null;

    public bool IsAllowedGroup(string conversation) => conversation == "pigeon:g1";

    public bool WantsReceipt(string chatReference) => chatReference != "pigeon:g1";

    public Task<ChatMessageRef> SendAsync(ChatOutgoingMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (message.Text.Length > MaxMessageLength)
        {
            throw new ChatApiException($"message too long: {message.Text.Length}");
        }

        if (RefusesMarkdown && message.Format == ChatTextFormat.Markdown)
        {
            throw new ChatApiException("cannot parse markdown") { IsFormatError = true };
        }

        Sent.Enqueue(message);
        return Task.FromResult(new ChatMessageRef(message.ChatReference, $"m{Interlocked.Increment(ref _nextId)}"));
    }

    public Task EditAsync(string chatReference, string messageId, string text, ChatTextFormat format, CancellationToken cancellationToken)
    {
        Edited.Enqueue((chatReference, messageId, text));
        return Task.CompletedTask;
    }

    public Task ReactAsync(string chatReference, string messageId, string emoji, CancellationToken cancellationToken)
    {
        Reactions.Enqueue((chatReference, messageId, emoji));
        return Task.CompletedTask;
    }
}
