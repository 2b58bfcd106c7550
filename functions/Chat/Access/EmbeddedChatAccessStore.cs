using Serverless.Functions.Events;

namespace Serverless.Functions.Chat.Access;

/// <summary>The local default's access store for one transport, in memory, seeded from its configured users and their private chats.</summary>
public sealed class EmbeddedChatAccessStore(IReadOnlyDictionary<string, string> configuredUsers) : IChatAccessStore
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, (string Chat, HashSet<string> Channels)> _allowed =
        configuredUsers.ToDictionary(u => u.Key, u => (u.Value, new HashSet<string>(ChannelSet.All, StringComparer.Ordinal)), StringComparer.Ordinal);
    private readonly Dictionary<string, PendingPairing> _pending = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _bindings = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _privateChats = new(StringComparer.Ordinal);

    public Task<IReadOnlySet<string>> ChannelsOfUserAsync(string userId, CancellationToken cancellationToken) =>
        Locked<IReadOnlySet<string>>(() => _allowed.TryGetValue(userId, out var user) ? new HashSet<string>(user.Channels, StringComparer.Ordinal) : ChannelSet.None);

    public Task AllowAsync(string userId, string chat, string channel, CancellationToken cancellationToken) => Locked(() =>
    {
        var channels = _allowed.TryGetValue(userId, out var user) ? user.Channels : new HashSet<string>(StringComparer.Ordinal);
        channels.Add(channel);
        _allowed[userId] = (chat, channels);
        return true;
    });

    public Task<IReadOnlyList<string>> AllowedChatsAsync(string channel, CancellationToken cancellationToken) =>
        Locked<IReadOnlyList<string>>(() => [.. _allowed.Where(u => ChannelSet.Allows(u.Value.Channels, channel))
            .Select(u => _privateChats.GetValueOrDefault(u.Key) ?? u.Value.Chat).Distinct(StringComparer.Ordinal)]);

    public Task RememberChatAsync(string userId, string chat, CancellationToken cancellationToken) => Locked(() => _privateChats[userId] = chat);

    public Task<PendingPairing?> FindPendingForUserAsync(string userId, CancellationToken cancellationToken) =>
        Locked(() => _pending.Values.FirstOrDefault(p => p.UserId == userId));

    public Task<IReadOnlyList<PendingPairing>> PendingAsync(CancellationToken cancellationToken) =>
        Locked<IReadOnlyList<PendingPairing>>(() => [.. _pending.Values]);

    public Task SavePendingAsync(PendingPairing pending, CancellationToken cancellationToken) =>
        Locked(() => _pending[pending.Code] = pending);

    public Task<PendingPairing?> TakePendingAsync(string code, CancellationToken cancellationToken) =>
        Locked(() => _pending.Remove(code, out var pending) ? pending : null);

    public Task<string?> ChannelForChatAsync(string conversation, CancellationToken cancellationToken) =>
        Locked(() => _bindings.GetValueOrDefault(conversation));

    public Task BindChatAsync(string conversation, string channel, CancellationToken cancellationToken) => Locked(() => _bindings[conversation] = channel);

    private Task<T> Locked<T>(Func<T> action)
    {
        lock (_gate)
        {
            return Task.FromResult(action());
        }
    }
}
