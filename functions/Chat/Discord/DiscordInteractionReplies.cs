using Serverless.Functions.Chat;

namespace Serverless.Functions.Chat.Discord;

/// <summary>
/// The transport as the conversation sees it while one interaction is answered: what the conversation says to
/// the person who used the command (a pairing code, <c>/status</c>, the outcome of <c>yes abcde</c>) is kept for
/// the interaction's ephemeral answer instead of being posted, so only they see it, whatever channel they are in.
/// Anything else (a message with buttons, another chat) goes to Discord as usual.
/// </summary>
public sealed class DiscordInteractionReplies(DiscordChatTransport discord, string chatReference) : IChatTransport
{
    private readonly List<string> _said = [];

    /// <summary>What the conversation said to the person, in order; null when it said nothing.</summary>
    public string? Said => _said.Count == 0 ? null : string.Join("\n\n", _said);

    public string Name => discord.Name;

    public string DisplayName => discord.DisplayName;

    public bool Enabled => discord.Enabled;

    public string EnablingSettings => discord.EnablingSettings;

    public int MaxMessageLength => discord.MaxMessageLength;

    public ChatPolicy Policy => discord.Policy;

    public string DefaultChannel => discord.DefaultChannel;

    public IReadOnlyCollection<string> ConfiguredUsers => discord.ConfiguredUsers;

    public string PrivateChatOf(string userId) => discord.PrivateChatOf(userId);

    public string ReceiptEmoji => discord.ReceiptEmoji;

    public string? ConversationOf(string chatReference) => discord.ConversationOf(chatReference);

    public string? NotificationChat(string channel) => discord.NotificationChat(channel);

    public bool IsAllowedGroup(string conversation) => discord.IsAllowedGroup(conversation);

    public bool WantsReceipt(string chatReference) => discord.WantsReceipt(chatReference);

    public Task<ChatMessageRef> SendAsync(ChatOutgoingMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (message.ChatReference != chatReference || message.Buttons.Count > 0)
        {
            return discord.SendAsync(message, cancellationToken);
        }

        _said.Add(message.Text);
        // An ephemeral answer has no id anyone could edit or react to later.
        return Task.FromResult(new ChatMessageRef(message.ChatReference, string.Empty));
    }

    public Task EditAsync(string chatReference, string messageId, string text, ChatTextFormat format, CancellationToken cancellationToken) =>
        discord.EditAsync(chatReference, messageId, text, format, cancellationToken);

    public Task ReactAsync(string chatReference, string messageId, string emoji, CancellationToken cancellationToken) =>
        discord.ReactAsync(chatReference, messageId, emoji, cancellationToken);
}
