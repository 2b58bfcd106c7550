using Serverless.Functions.Events;

namespace Serverless.Functions.Chat.Access;

/// <summary>
/// One transport's access: who may talk to which channel, pending pairings and chat-to-channel bindings.
/// Only the owner's relay (pairing) and configuration change access; nothing in a chat message can.
/// Each transport has its own store (a keyed service named after the transport), so ids never mix.
/// </summary>
public interface IChatAccessStore
{
    /// <summary>The channels this user may reach (<see cref="ChannelSet"/>); empty for a stranger.</summary>
    Task<IReadOnlySet<string>> ChannelsOfUserAsync(string userId, CancellationToken cancellationToken);

    /// <summary>Allows the user on one more channel, reached from their private chat.</summary>
    Task AllowAsync(string userId, string chat, string channel, CancellationToken cancellationToken);

    /// <summary>
    /// The private chats of the users allowed on this channel: the one each last wrote from, else the one they
    /// paired from, else (a configured user who never wrote) their user id, which is a chat only on Telegram.
    /// </summary>
    Task<IReadOnlyList<string>> AllowedChatsAsync(string channel, CancellationToken cancellationToken);

    /// <summary>
    /// Remembers the private chat an allowed user writes from: on Slack and Discord a direct conversation has
    /// an id of its own, known only once the user has written there.
    /// </summary>
    Task RememberChatAsync(string userId, string chat, CancellationToken cancellationToken);

    Task<PendingPairing?> FindPendingForUserAsync(string userId, CancellationToken cancellationToken);

    Task<IReadOnlyList<PendingPairing>> PendingAsync(CancellationToken cancellationToken);

    Task SavePendingAsync(PendingPairing pending, CancellationToken cancellationToken);

    /// <summary>Removes and returns the pending pairing with this code, if any; a code is taken once.</summary>
    Task<PendingPairing?> TakePendingAsync(string code, CancellationToken cancellationToken);

    /// <summary>The channel a conversation was switched or paired to.</summary>
    Task<string?> ChannelForChatAsync(string conversation, CancellationToken cancellationToken);

    Task BindChatAsync(string conversation, string channel, CancellationToken cancellationToken);
}
