using System.Globalization;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Options;
using Serverless.Functions.Events;
using Serverless.Functions.Inbox;

namespace Serverless.Functions.Telegram.Access;

/// <summary>The durable access store: one Azure Table, a partition per kind of record.</summary>
public sealed class TableTelegramAccessStore(TableClient table, IOptions<TelegramOptions> options) : ITelegramAccessStore
{
    private const string Allow = "allow";
    private const string Pending = "pending";
    private const string Chat = "chat";
    private const string Permission = "perm";
    private readonly CreateOnce _table = new(() => table.CreateIfNotExistsAsync(CancellationToken.None));

    public async Task<IReadOnlySet<string>> ChannelsOfUserAsync(long userId, CancellationToken cancellationToken) =>
        options.Value.AllowedUsers.Contains(userId)
            ? ChannelSet.All
            : ChannelsOf(await GetAsync(Allow, Key(userId), cancellationToken));

    /// <summary>
    /// A row written before pairings were per channel has no Channels: it counts for the default channel,
    /// the one such a pairing reached, and no other.
    /// </summary>
    private IReadOnlySet<string> ChannelsOf(TableEntity? row) => row is null
        ? ChannelSet.None
        : row.GetString("Channels") is { } stored ? ChannelSet.Parse(stored) : new HashSet<string>([options.Value.DefaultChannel], StringComparer.Ordinal);

    public async Task AllowAsync(long userId, long chatId, string channel, CancellationToken cancellationToken)
    {
        // Read, add the channel, write back under the ETag: two pairings at once must both count.
        for (var attempt = 0; ; attempt++)
        {
            var existing = await GetAsync(Allow, Key(userId), cancellationToken);
            var channels = new HashSet<string>(ChannelsOf(existing), StringComparer.Ordinal) { channel };
            var entity = new TableEntity(Allow, Key(userId)) { ["ChatId"] = chatId, ["Channels"] = ChannelSet.Format(channels) };
            try
            {
                if (existing is null)
                {
                    await table.AddEntityAsync(entity, cancellationToken);
                }
                else
                {
                    await table.UpdateEntityAsync(entity, existing.ETag, TableUpdateMode.Replace, cancellationToken);
                }

                return;
            }
            catch (RequestFailedException ex) when (ex.Status is 409 or 412 && attempt < 10)
            {
                // Someone else changed the row since it was read: read it again, a little later.
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(5, 50)), cancellationToken);
            }
        }
    }

    public async Task<IReadOnlyList<long>> AllowedChatsAsync(string channel, CancellationToken cancellationToken)
    {
        var chats = new HashSet<long>(options.Value.AllowedUsers);
        foreach (var entity in await QueryAsync(Allow, cancellationToken))
        {
            if (ChannelSet.Allows(ChannelsOf(entity), channel))
            {
                chats.Add(entity.GetInt64("ChatId") ?? 0);
            }
        }

        return [.. chats.Where(c => c != 0)];
    }

    public async Task<PendingPairing?> FindPendingForUserAsync(long userId, CancellationToken cancellationToken) =>
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
            ["ChatId"] = pending.ChatId,
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

    public async Task<string?> ChannelForChatAsync(long chatId, CancellationToken cancellationToken) =>
        (await GetAsync(Chat, Key(chatId), cancellationToken))?.GetString("Channel");

    public async Task BindChatAsync(long chatId, string channel, CancellationToken cancellationToken)
    {
        await _table.EnsureAsync(cancellationToken);
        await table.UpsertEntityAsync(new TableEntity(Chat, Key(chatId)) { ["Channel"] = channel }, TableUpdateMode.Replace, cancellationToken);
    }

    public async Task<bool> AddPermissionRequestAsync(PermissionRequestRecord request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        await _table.EnsureAsync(cancellationToken);
        try
        {
            await table.AddEntityAsync(PermissionEntity(request), cancellationToken);
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            return false;
        }
    }

    public async Task SavePermissionRequestAsync(PermissionRequestRecord request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        await _table.EnsureAsync(cancellationToken);
        await table.UpsertEntityAsync(PermissionEntity(request), TableUpdateMode.Replace, cancellationToken);
    }

    private static TableEntity PermissionEntity(PermissionRequestRecord request) =>
        new(Permission, request.RequestId)
        {
            ["Channel"] = request.Channel,
            ["ToolName"] = request.ToolName,
            ["Description"] = request.Description,
            ["InputPreview"] = request.InputPreview,
            ["Messages"] = JsonSerializer.Serialize(request.Messages.Select(m => new[] { m.ChatId, m.MessageId })),
            ["Outcome"] = request.Outcome,
        };

    public async Task<PermissionRequestRecord?> GetPermissionRequestAsync(string requestId, CancellationToken cancellationToken) =>
        await GetAsync(Permission, requestId, cancellationToken) is { } entity ? ToPermission(entity) : null;

    public async Task<bool> TryResolvePermissionAsync(string requestId, string outcome, CancellationToken cancellationToken)
    {
        var entity = await GetAsync(Permission, requestId, cancellationToken);
        if (entity is null || entity.GetString("Outcome") is not null)
        {
            return false;
        }

        entity["Outcome"] = outcome;
        try
        {
            await table.UpdateEntityAsync(entity, entity.ETag, TableUpdateMode.Replace, cancellationToken);
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status == 412)
        {
            return false;
        }
    }

    private static string Key(long id) => id.ToString(CultureInfo.InvariantCulture);

    private static PendingPairing ToPending(TableEntity e) =>
        new(e.RowKey, e.GetInt64("UserId") ?? 0, e.GetInt64("ChatId") ?? 0, e.GetDateTimeOffset("ExpiresAt") ?? DateTimeOffset.MinValue, e.GetInt32("Replies") ?? 0);

    private static PermissionRequestRecord ToPermission(TableEntity e) => new(
        e.RowKey,
        e.GetString("Channel") ?? string.Empty,
        e.GetString("ToolName") ?? string.Empty,
        e.GetString("Description") ?? string.Empty,
        e.GetString("InputPreview") ?? string.Empty,
        [.. (JsonSerializer.Deserialize<long[][]>(e.GetString("Messages") ?? "[]") ?? []).Select(m => new SentMessage(m[0], m[1]))],
        e.GetString("Outcome"));

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
