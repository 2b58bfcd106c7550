using Azure;
using Azure.Data.Tables;
using Serverless.Functions.Inbox;

namespace Serverless.Functions.History;

/// <summary>
/// The durable history: one Azure Table, one partition per channel. An event is one row (<c>e-{id}</c>) with
/// a column per step (<c>ReceivedAt</c>, <c>TakenAt</c>, ...), so each note is a blind merge: no read, no
/// ETag race between the ingress and the relay's calls. A refusal counter is one row (<c>r-{source}-{reason}</c>).
/// Every write sets <c>LastAt</c>, which retention reads.
/// </summary>
public sealed class TableEventHistoryStore(TableClient table) : IEventHistoryStore
{
    private const int MaxSummaryLength = 500;
    private const int MaxAttempts = 10;
    private readonly CreateOnce _table = new(() => table.CreateIfNotExistsAsync(CancellationToken.None));

    public async Task WriteAsync(IReadOnlyList<HistoryNote> notes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(notes);
        await _table.EnsureAsync(cancellationToken);
        foreach (var note in notes)
        {
            var entity = new TableEntity(note.Channel, EventRow(note.EventId));
            if (note.Kind is not null)
            {
                entity["Kind"] = note.Kind;
            }

            if (note.Type is not null)
            {
                entity["Type"] = note.Type;
            }

            if (note.Summary is not null)
            {
                entity["Summary"] = note.Summary.Length <= MaxSummaryLength ? note.Summary : note.Summary[..MaxSummaryLength];
            }

            foreach (var step in note.Steps)
            {
                entity[$"{step.Step}At"] = step.At;
                if (step.Detail is not null)
                {
                    entity[$"{step.Step}Detail"] = step.Detail;
                }
            }

            entity["LastAt"] = note.Steps.Count == 0 ? DateTimeOffset.MinValue : note.Steps.Max(s => s.At);
            await table.UpsertEntityAsync(entity, TableUpdateMode.Merge, cancellationToken);
        }
    }

    public async Task CountRefusalsAsync(string channel, string source, RefusalReason reason, long count, DateTimeOffset at, CancellationToken cancellationToken)
    {
        await _table.EnsureAsync(cancellationToken);
        var row = $"r-{source}-{reason}";
        for (var attempt = 1; ; attempt++)
        {
            var existing = await GetEntityAsync(channel, row, cancellationToken);
            var entity = new TableEntity(channel, row)
            {
                ["Source"] = source,
                ["Reason"] = reason.ToString(),
                ["Count"] = (existing?.GetInt64("Count") ?? 0) + count,
                ["LastAt"] = at,
            };
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
            catch (RequestFailedException ex) when (ex.Status is 409 or 412 && attempt < MaxAttempts)
            {
                // Another writer counted first: read again and add to its count.
            }
        }
    }

    public async Task<EventHistoryEntry?> GetAsync(string channel, string eventId, CancellationToken cancellationToken) =>
        await GetEntityAsync(channel, EventRow(eventId), cancellationToken) is { } entity ? ToEntry(entity) : null;

    public async Task<IReadOnlyList<EventHistoryEntry>> ListAsync(string channel, HistoryQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        await _table.EnsureAsync(cancellationToken);
        // The partition holds at most the retention period of one channel; kind and time are filtered by the
        // service, the status (the latest step) here.
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {channel} and RowKey ge {"e-"} and RowKey lt {"e."}");
        if (query.Kind is not null)
        {
            filter += " and " + TableClient.CreateQueryFilter($"Kind eq {query.Kind}");
        }

        if (query.Since is { } since)
        {
            filter += " and " + TableClient.CreateQueryFilter($"LastAt ge {since}");
        }

        var entries = new List<EventHistoryEntry>();
        await foreach (var entity in table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            entries.Add(ToEntry(entity));
        }

        return HistoryOrder.Select(entries, query);
    }

    public async Task<IReadOnlyList<RefusalCount>> RefusalsAsync(string channel, CancellationToken cancellationToken)
    {
        await _table.EnsureAsync(cancellationToken);
        var counts = new List<RefusalCount>();
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {channel} and RowKey ge {"r-"} and RowKey lt {"r."}");
        await foreach (var entity in table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            if (Enum.TryParse<RefusalReason>(entity.GetString("Reason"), out var reason) && entity.GetString("Source") is { } source)
            {
                counts.Add(new RefusalCount(channel, source, reason, entity.GetInt64("Count") ?? 0, entity.GetDateTimeOffset("LastAt") ?? default));
            }
        }

        return [.. counts.OrderBy(r => r.Source, StringComparer.Ordinal).ThenBy(r => r.Reason)];
    }

    public async Task<int> RemoveOlderThanAsync(DateTimeOffset cutoff, CancellationToken cancellationToken)
    {
        await _table.EnsureAsync(cancellationToken);
        var expired = new List<TableEntity>();
        var filter = TableClient.CreateQueryFilter($"LastAt lt {cutoff}");
        await foreach (var entity in table.QueryAsync<TableEntity>(filter, select: ["PartitionKey", "RowKey"], cancellationToken: cancellationToken))
        {
            expired.Add(entity);
        }

        // An entity-group transaction holds up to 100 rows of one partition.
        var removed = 0;
        foreach (var chunk in expired.GroupBy(e => e.PartitionKey).SelectMany(p => p.Chunk(100)))
        {
            var actions = chunk.Select(e => new TableTransactionAction(TableTransactionActionType.Delete, e, ETag.All)).ToList();
            try
            {
                await table.SubmitTransactionAsync(actions, cancellationToken);
                removed += actions.Count;
            }
            catch (TableTransactionFailedException ex) when (ex.Status == 404)
            {
                // A row went meanwhile; the rest go at the next sweep.
            }
        }

        return removed;
    }

    private static string EventRow(string eventId) => $"e-{eventId}";

    private static EventHistoryEntry ToEntry(TableEntity entity)
    {
        var steps = new List<StepTime>();
        foreach (var step in Enum.GetValues<EventStep>())
        {
            if (entity.GetDateTimeOffset($"{step}At") is { } at)
            {
                steps.Add(new StepTime(step, at, entity.GetString($"{step}Detail")));
            }
        }

        return new EventHistoryEntry(
            entity.PartitionKey, entity.RowKey[2..], entity.GetString("Kind"), entity.GetString("Type"), entity.GetString("Summary"), HistoryOrder.Steps(steps));
    }

    private async Task<TableEntity?> GetEntityAsync(string partition, string row, CancellationToken cancellationToken)
    {
        await _table.EnsureAsync(cancellationToken);
        var response = await table.GetEntityIfExistsAsync<TableEntity>(partition, row, cancellationToken: cancellationToken);
        return response.HasValue ? response.Value : null;
    }
}
