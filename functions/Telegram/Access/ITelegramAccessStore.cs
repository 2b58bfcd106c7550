using Serverless.Functions.Events;

namespace Serverless.Functions.Telegram.Access;

/// <summary>
/// Who may talk to the session through Telegram, pending pairings, chat-to-channel bindings and
/// permission requests. Only the owner's relay (pairing) and configuration change access; nothing
/// in a Telegram message can.
/// </summary>
public interface ITelegramAccessStore
{
    /// <summary>The channels this user may reach (<see cref="ChannelSet"/>); empty for a stranger.</summary>
    Task<IReadOnlySet<string>> ChannelsOfUserAsync(long userId, CancellationToken cancellationToken);

    /// <summary>Allows the user on one more channel, reached from their private chat.</summary>
    Task AllowAsync(long userId, long chatId, string channel, CancellationToken cancellationToken);

    /// <summary>The private chats of the users allowed on this channel.</summary>
    Task<IReadOnlyList<long>> AllowedChatsAsync(string channel, CancellationToken cancellationToken);

    Task<PendingPairing?> FindPendingForUserAsync(long userId, CancellationToken cancellationToken);

    Task<IReadOnlyList<PendingPairing>> PendingAsync(CancellationToken cancellationToken);

    Task SavePendingAsync(PendingPairing pending, CancellationToken cancellationToken);

    /// <summary>Removes and returns the pending pairing with this code, if any.</summary>
    Task<PendingPairing?> TakePendingAsync(string code, CancellationToken cancellationToken);

    Task<string?> ChannelForChatAsync(long chatId, CancellationToken cancellationToken);

    Task BindChatAsync(long chatId, string channel, CancellationToken cancellationToken);

    /// <summary>Records a new permission request; false when one with this id exists (of any channel), which is left as it is.</summary>
    Task<bool> AddPermissionRequestAsync(PermissionRequestRecord request, CancellationToken cancellationToken);

    /// <summary>Writes a known permission request again (its sent messages, or its state before a failed answer).</summary>
    Task SavePermissionRequestAsync(PermissionRequestRecord request, CancellationToken cancellationToken);

    Task<PermissionRequestRecord?> GetPermissionRequestAsync(string requestId, CancellationToken cancellationToken);

    /// <summary>Records the outcome once; false when the request is unknown or was already answered.</summary>
    Task<bool> TryResolvePermissionAsync(string requestId, string outcome, CancellationToken cancellationToken);
}
