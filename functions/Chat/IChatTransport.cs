namespace Serverless.Functions.Chat;

/// <summary>
/// One chat service (Telegram, Slack, Discord): what it takes to write to it. Who may talk to a channel,
/// pairing, permission requests, questions and the relay's routes are shared code built on this.
/// </summary>
/// <remarks>
/// A chat reference is what an event's <c>chat_id</c> carries and what the relay passes back: Telegram's
/// bare numbers, and for the others the transport's name, a colon and its own address
/// (<c>slack:C0123ABC:1700000000.000100</c>, <c>discord:1234567890</c>). Message ids are strings for every transport.
/// </remarks>
public interface IChatTransport
{
    /// <summary>The lower-case name: the relay route segment, the events' <c>kind</c>, the access store's table.</summary>
    string Name { get; }

    /// <summary>How people call it ("Slack").</summary>
    string DisplayName { get; }

    bool Enabled { get; }

    /// <summary>The settings that turn it on, for "not configured" answers ("Slack:SigningSecret and Slack:BotToken").</summary>
    string EnablingSettings { get; }

    /// <summary>The longest text one message may carry; longer replies are split by the caller.</summary>
    int MaxMessageLength { get; }

    /// <summary>What strangers get, and whether the transport listens at all.</summary>
    ChatPolicy Policy { get; }

    /// <summary>The channel a chat talks to until someone switches it with <c>/channel NAME</c>.</summary>
    string DefaultChannel { get; }

    /// <summary>The user ids allowed on every channel from configuration; pairing adds more, per channel.</summary>
    IReadOnlyCollection<string> ConfiguredUsers { get; }

    /// <summary>
    /// The chat reference that reaches a user privately before they have written (Telegram: their id; Slack:
    /// <c>slack:USER_ID</c>), so configured users get permission requests and replies from the start.
    /// </summary>
    string PrivateChatOf(string userId);

    /// <summary>
    /// The key under which a chat is bound to a channel and checked against the allowlist: the reference without
    /// what only addresses a message inside it (a Slack thread); null when the reference is not this transport's.
    /// </summary>
    string? ConversationOf(string chatReference);

    /// <summary>The channel's notification chat (webhook events' replies go there), if configured.</summary>
    string? NotificationChat(string channel);

    /// <summary>Whether this group conversation was allowed by configuration to talk to the bot.</summary>
    bool IsAllowedGroup(string conversation);

    /// <summary>Whether a message shown in the session gets a receipt reaction in this chat.</summary>
    bool WantsReceipt(string chatReference);

    /// <summary>The receipt reaction, in the transport's own spelling.</summary>
    string ReceiptEmoji { get; }

    /// <summary>Sends one message (at most <see cref="MaxMessageLength"/> characters).</summary>
    /// <exception cref="ChatApiException">The service refused it; <see cref="ChatApiException.IsFormatError"/> when only its formatting was refused.</exception>
    Task<ChatMessageRef> SendAsync(ChatOutgoingMessage message, CancellationToken cancellationToken);

    /// <summary>Replaces the text of a message the bot sent; its buttons go with it.</summary>
    Task EditAsync(string chatReference, string messageId, string text, ChatTextFormat format, CancellationToken cancellationToken);

    Task ReactAsync(string chatReference, string messageId, string emoji, CancellationToken cancellationToken);
}
