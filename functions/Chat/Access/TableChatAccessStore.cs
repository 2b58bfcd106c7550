using System.Globalization;
using Azure;
using Azure.Data.Tables;
using Serverless.Functions.Events;
using Serverless.Functions.Inbox;

namespace Serverless.Functions.Chat.Access;

/// <summary>
/// The durable access store of one transport: one Azure Table named after it, a partition per kind of record.
/// Telegram's rows written before the other transports existed read the same (their ids were numbers).
/// </summary>
/// <param name="configuredUsers">The users allowed on every channel by configuration, with the chat that reaches each privately.</param>
public sealed class TableChatAccessStore(TableClient table, IReadOnlyDictionary<string, string> configuredUsers, string defaultChannel) : IChatAccessStore
{
    private const string Allow = "allow";
    private const string Pending = "pending";
    private const string Chat = "chat";
    private const string PrivateChat = "dm";
    private readonly CreateOnce _table = new(() => table.CreateIfNotExistsAsync(CancellationToken.None));

    // Each allowed user's private chat as last written: a row is written only when it changes, not per message.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> _rememberedChats = new(StringComparer.Ordinal);

    public async Task<IReadOnlySet<string>> ChannelsOfUserAsync(string userId, CancellationToken cancellationToken) =>
        configuredUsers.ContainsKey(userId)
            ? ChannelSet.All
            : ChannelsOf(await GetAsync(Allow, userId, cancellationToken));

    /// <summary>
    /// A row written before pairings were per channel has no Channels: it counts for the default channel,
    /// the one such a pairing reached, and no other.
    /// </summary>
    private IReadOnlySet<string> ChannelsOf(TableEntity? row) => row is null
        ? ChannelSet.None
        : row.GetString("Channels") is { } stored ? ChannelSet.Parse(stored) : new HashSet<string>([defaultChannel], StringComparer.Ordinal);

    public async Task AllowAsync(string userId, string chat, string channel, CancellationToken cancellationToken)
    {
        // Two pairings at once must both count; a writer that lost waits a little before reading again.
        await _table.EnsureAsync(cancellationToken);
        await TableRowUpdate.ApplyAsync(
            table,
            Allow,
            userId,
            existing => new TableEntity(Allow, userId)
            {
                ["ChatId"] = chat,
                ["Channels"] = ChannelSet.Format(new HashSet<string>(ChannelsOf(existing), StringComparer.Ordinal) { channel }),
            },
            maxAttempts: 11,
            maxJitter: TimeSpan.FromMilliseconds(50),
            cancellationToken);
    }

    public async Task<IReadOnlyList<string>> AllowedChatsAsync(string channel, CancellationToken cancellationToken)
    {
        var remembered = (await QueryAsync(PrivateChat, cancellationToken)).ToDictionary(e => e.RowKey, e => Text(e, "ChatId"), StringComparer.Ordinal);
        var chats = new HashSet<string>(configuredUsers.Select(u => remembered.GetValueOrDefault(u.Key) ?? u.Value), StringComparer.Ordinal);
        foreach (var entity in await QueryAsync(Allow, cancellationToken))
        {
            if (ChannelSet.Allows(ChannelsOf(entity), channel) && (remembered.GetValueOrDefault(entity.RowKey) ?? Text(entity, "ChatId")) is { Length: > 0 } chat)
            {
                chats.Add(chat);
            }
        }

        return [.. chats];
    }

    public async Task RememberChatAsync(string userId, string chat, CancellationToken cancellationToken)
    {
        if (_rememberedChats.TryGetValue(userId, out var known) && known == chat)
        {
            return;
        }

        await _table.EnsureAsync(cancellationToken);
        await table.UpsertEntityAsync(new TableEntity(PrivateChat, userId) { ["ChatId"] = chat }, TableUpdateMode.Replace, cancellationToken);
        _rememberedChats[userId] = chat;
    }

    public async Task<PendingPairing?> FindPendingForUserAsync(string userId, CancellationToken cancellationToken) =>
        (await PendingAsync(cancellationToken)).FirstOrDefault(p => p.UserId == userId);

    public async Task<IReadOnlyList<PendingPairing>> PendingAsync(CancellationToken cancellationToken) =>
        [.. (await QueryAsync(Pending, cancellationToken)).Select(ToPending)];

    public async Task SavePendingAsync(PendingPairing pending, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(pending);
        await _table.EnsureAsync(cancellationToken);
        var entity = new TableEntity(Pending, pending.Code)
        {
            ["UserId"] = pending.UserId,
            ["ChatId"] = pending.Chat,
            ["ExpiresAt"] = pending.ExpiresAt,
            ["Replies"] = pending.Replies,
        };
        await table.UpsertEntityAsync(entity, TableUpdateMode.Replace, cancellationToken);
    }

    public async Task<PendingPairing?> TakePendingAsync(string code, CancellationToken cancellationToken)
    {
        var entity = await GetAsync(Pending, code, cancellationToken);
        if (entity is null)
        {
            return null;
        }

        try
        {
            // The ETag makes taking a code a one-time act even with two callers at once.
            await table.DeleteEntityAsync(Pending, code, entity.ETag, cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status is 404 or 412)
        {
            return null;
        }

        return ToPending(entity);
    }

    public async Task<string?> ChannelForChatAsync(string conversation, CancellationToken cancellationToken) =>
        (await GetAsync(Chat, RowKey(conversation), cancellationToken))?.GetString("Channel");

    public async Task BindChatAsync(string conversation, string channel, CancellationToken cancellationToken)
    {
        await _table.EnsureAsync(cancellationToken);
        await table.UpsertEntityAsync(new TableEntity(Chat, RowKey(conversation)) { ["Channel"] = channel }, TableUpdateMode.Replace, cancellationToken);
    }

    /// <summary>Ids were written as numbers by the Telegram-only version, and as text since.</summary>
    private static string? Text(TableEntity entity, string name) => entity[name] switch
    {
        null => null,
        string text => text,
        long number => number.ToString(CultureInfo.InvariantCulture),
        int number => number.ToString(CultureInfo.InvariantCulture),
        var other => Convert.ToString(other, CultureInfo.InvariantCulture),
    };

    // A row key may not hold '/', '\', '#' or '?'; chat references of some transports could.
    private static string RowKey(string conversation) =>
        conversation.AsSpan().IndexOfAny("/\\#?") < 0 ? conversation : Uri.EscapeDataString(conversation);

    private static PendingPairing ToPending(TableEntity e) =>
        new(e.RowKey, Text(e, "UserId") ?? string.Empty, Text(e, "ChatId") ?? string.Empty, e.GetDateTimeOffset("ExpiresAt") ?? DateTimeOffset.MinValue, e.GetInt32("Replies") ?? 0);

    private async Task<TableEntity?> GetAsync(string partition, string row, CancellationToken cancellationToken)
    {
        await _table.EnsureAsync(cancellationToken);
        var response = await table.GetEntityIfExistsAsync<TableEntity>(partition, row, cancellationToken: cancellationToken);
        return response.HasValue ? response.Value : null;
    }

    private async Task<List<TableEntity>> QueryAsync(string partition, CancellationToken cancellationToken)
    {
        await _table.EnsureAsync(cancellationToken);
        var entities = new List<TableEntity>();
        await foreach (var entity in table.QueryAsync<TableEntity>(e => e.PartitionKey == partition, cancellationToken: cancellationToken))
        {
            entities.Add(entity);
        }

        return entities;
    }
}
