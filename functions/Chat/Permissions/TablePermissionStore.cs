using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Serverless.Functions.Inbox;

namespace Serverless.Functions.Chat.Permissions;

/// <summary>Permission requests in the <c>permissions</c> table, one row each; the ETag makes the first answer the only one.</summary>
public sealed class TablePermissionStore(TableClient table) : IPermissionStore
{
    private const string Partition = "perm";
    private readonly CreateOnce _table = new(() => table.CreateIfNotExistsAsync(CancellationToken.None));

    public async Task<bool> AddAsync(PermissionRequestRecord request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        await _table.EnsureAsync(cancellationToken);
        try
        {
            await table.AddEntityAsync(ToEntity(request), cancellationToken);
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            return false;
        }
    }

    public async Task SaveAsync(PermissionRequestRecord request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        await _table.EnsureAsync(cancellationToken);
        await table.UpsertEntityAsync(ToEntity(request), TableUpdateMode.Replace, cancellationToken);
    }

    public async Task<PermissionRequestRecord?> GetAsync(string requestId, CancellationToken cancellationToken) =>
        await GetEntityAsync(requestId, cancellationToken) is { } entity ? ToRecord(entity) : null;

    public async Task<bool> TryResolveAsync(string requestId, string outcome, CancellationToken cancellationToken)
    {
        var entity = await GetEntityAsync(requestId, cancellationToken);
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

    private static TableEntity ToEntity(PermissionRequestRecord request) =>
        new(Partition, request.RequestId)
        {
            ["Channel"] = request.Channel,
            ["ToolName"] = request.ToolName,
            ["Description"] = request.Description,
            ["InputPreview"] = request.InputPreview,
            ["Messages"] = JsonSerializer.Serialize(request.Messages.Select(m => new[] { m.Transport, m.ChatReference, m.MessageId })),
            ["Outcome"] = request.Outcome,
        };

    private static PermissionRequestRecord ToRecord(TableEntity e) => new(
        e.RowKey,
        e.GetString("Channel") ?? string.Empty,
        e.GetString("ToolName") ?? string.Empty,
        e.GetString("Description") ?? string.Empty,
        e.GetString("InputPreview") ?? string.Empty,
        [.. (JsonSerializer.Deserialize<string[][]>(e.GetString("Messages") ?? "[]") ?? []).Where(m => m.Length == 3).Select(m => new SentPermissionMessage(m[0], m[1], m[2]))],
        e.GetString("Outcome"));

    private async Task<TableEntity?> GetEntityAsync(string requestId, CancellationToken cancellationToken)
    {
        await _table.EnsureAsync(cancellationToken);
        var response = await table.GetEntityIfExistsAsync<TableEntity>(Partition, requestId, cancellationToken: cancellationToken);
        return response.HasValue ? response.Value : null;
    }
}
