using Microsoft.Extensions.Options;
using Serverless.Functions.Events;

namespace Serverless.Functions.Telegram.Access;

/// <summary>The local default's access store, in memory, seeded from <c>Telegram:AllowedUsers</c>.</summary>
public sealed class EmbeddedTelegramAccessStore(IOptions<TelegramOptions> options) : ITelegramAccessStore
{
    private readonly Lock _gate = new();
    private readonly Dictionary<long, (long ChatId, HashSet<string> Channels)> _allowed =
        options.Value.AllowedUsers.Distinct().ToDictionary(u => u, u => (u, new HashSet<string>(ChannelSet.All, StringComparer.Ordinal)));
    private readonly Dictionary<string, PendingPairing> _pending = new(StringComparer.Ordinal);
    private readonly Dictionary<long, string> _bindings = [];
    private readonly Dictionary<string, PermissionRequestRecord> _permissions = new(StringComparer.Ordinal);

    public Task<IReadOnlySet<string>> ChannelsOfUserAsync(long userId, CancellationToken cancellationToken) =>
        Locked<IReadOnlySet<string>>(() => _allowed.TryGetValue(userId, out var user) ? new HashSet<string>(user.Channels, StringComparer.Ordinal) : ChannelSet.None);

    public Task AllowAsync(long userId, long chatId, string channel, CancellationToken cancellationToken) => Locked(() =>
    {
        var channels = _allowed.TryGetValue(userId, out var user) ? user.Channels : new HashSet<string>(StringComparer.Ordinal);
        channels.Add(channel);
        _allowed[userId] = (chatId, channels);
        return true;
    });

    public Task<IReadOnlyList<long>> AllowedChatsAsync(string channel, CancellationToken cancellationToken) =>
        Locked<IReadOnlyList<long>>(() => [.. _allowed.Values.Where(u => ChannelSet.Allows(u.Channels, channel)).Select(u => u.ChatId).Distinct()]);

    public Task<PendingPairing?> FindPendingForUserAsync(long userId, CancellationToken cancellationToken) =>
        Locked(() => _pending.Values.FirstOrDefault(p => p.UserId == userId));

    public Task<IReadOnlyList<PendingPairing>> PendingAsync(CancellationToken cancellationToken) =>
        Locked<IReadOnlyList<PendingPairing>>(() => [.. _pending.Values]);

    public Task SavePendingAsync(PendingPairing pending, CancellationToken cancellationToken) =>
        Locked(() => _pending[pending.Code] = pending);

    public Task<PendingPairing?> TakePendingAsync(string code, CancellationToken cancellationToken) =>
        Locked(() => _pending.Remove(code, out var pending) ? pending : null);

    public Task<string?> ChannelForChatAsync(long chatId, CancellationToken cancellationToken) =>
        Locked(() => _bindings.GetValueOrDefault(chatId));

    public Task BindChatAsync(long chatId, string channel, CancellationToken cancellationToken) => Locked(() => _bindings[chatId] = channel);

    public Task<bool> AddPermissionRequestAsync(PermissionRequestRecord request, CancellationToken cancellationToken) =>
        Locked(() => _permissions.TryAdd(request.RequestId, request));

    public Task SavePermissionRequestAsync(PermissionRequestRecord request, CancellationToken cancellationToken) =>
        Locked(() => _permissions[request.RequestId] = request);

    public Task<PermissionRequestRecord?> GetPermissionRequestAsync(string requestId, CancellationToken cancellationToken) =>
        Locked(() => _permissions.GetValueOrDefault(requestId));

    public Task<bool> TryResolvePermissionAsync(string requestId, string outcome, CancellationToken cancellationToken) => Locked(() =>
    {
        if (!_permissions.TryGetValue(requestId, out var request) || request.Outcome is not null)
        {
            return false;
        }

        _permissions[requestId] = request with { Outcome = outcome };
        return true;
    });

    private Task<T> Locked<T>(Func<T> action)
    {
        lock (_gate)
        {
            return Task.FromResult(action());
        }
    }
}
