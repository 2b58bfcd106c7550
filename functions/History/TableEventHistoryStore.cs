using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Serverless.Functions.Events;
using Serverless.Functions.Inbox;

namespace Serverless.Functions.History;

/// <summary>
/// The durable history: one Azure Table, one partition per channel. An event is one row (<c>e-{id}</c>) with
/// a column per step (<c>ReceivedAt</c>, <c>TakenAt</c>, ...), so each note is a blind merge: no read, no
/// ETag race between the ingress and the relay's calls. A refusal counter is one row (<c>r-{source}-{reason}</c>).
/// Every write sets <c>LastAt</c>, which retention reads. The accepted envelope (for a replay) is a column when it
/// is small; a larger one (a property holds 64 KiB, an entity 1 MiB) is a blob in <paramref name="envelopes"/>
/// named by channel and id, removed with its row. Without a container, a large envelope is not kept.
/// </summary>
public sealed class TableEventHistoryStore(TableClient table, BlobContainerClient? envelopes = null) : IEventHistoryStore
{
    private const int MaxSummaryLength = 500;
    private const int MaxAttempts = 10;

    /// <summary>The partition of the rows that list, per source, the channels with refusal counters: not a valid channel name.</summary>
    private const string RefusalChannelsPartition = "(refusal-channels)";

    /// <summary>Characters of envelope JSON kept in the row: a string property holds 64 KiB of UTF-16.</summary>
    private const int MaxInlineEnvelope = 30_000;

    private readonly CreateOnce _table = new(() => table.CreateIfNotExistsAsync(CancellationToken.None));
    private readonly CreateOnce _envelopes = new(() => envelopes is null ? Task.CompletedTask : envelopes.CreateIfNotExistsAsync(cancellationToken: CancellationToken.None));

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

            if (note.Envelope is { } envelope)
            {
                foreach (var (_, column, read) in HistoryMeta.Fields)
                {
                    if (read(envelope) is { Length: > 0 } value)
                    {
                        entity[column] = value;
                    }
                }

                await KeepEnvelopeAsync(entity, envelope, cancellationToken);
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
        channel = await AdmitRefusalChannelAsync(source, channel, at, cancellationToken);
        var row = $"r-{source}-{reason}";
        // Another writer that counted first is read again and added to.
        await TableRowUpdate.ApplyAsync(
            table,
            channel,
            row,
            existing => new TableEntity(channel, row)
            {
                ["Source"] = source,
                ["Reason"] = reason.ToString(),
                ["Count"] = (existing?.GetInt64("Count") ?? 0) + count,
                ["LastAt"] = at,
            },
            MaxAttempts,
            TimeSpan.Zero,
            cancellationToken);
    }

    public async Task<EventHistoryEntry?> GetAsync(string channel, string eventId, CancellationToken cancellationToken) =>
        await GetEntityAsync(channel, EventRow(eventId), cancellationToken) is { } entity ? ToEntry(entity) : null;

    public async Task<ChannelEvent?> GetEnvelopeAsync(string channel, string eventId, CancellationToken cancellationToken)
    {
        var entity = await GetEntityAsync(channel, EventRow(eventId), cancellationToken);
        if (entity?.GetString("Envelope") is { } json)
        {
            return JsonSerializer.Deserialize(json, EventJsonContext.Default.ChannelEvent);
        }

        if (entity?.GetBoolean("EnvelopeBlob") is true && envelopes is not null)
        {
            try
            {
                var blob = await envelopes.GetBlobClient(EnvelopeBlob(channel, eventId)).DownloadContentAsync(cancellationToken);
                return blob.Value.Content.ToObjectFromJson(EventJsonContext.Default.ChannelEvent);
            }
            catch (RequestFailedException ex) when (ex.Status == 404)
            {
                // Swept with its row meanwhile.
            }
        }

        return null;
    }

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
        await foreach (var entity in table.QueryAsync<TableEntity>(filter, select: ["PartitionKey", "RowKey", "EnvelopeBlob"], cancellationToken: cancellationToken))
        {
            expired.Add(entity);
        }

        // The blobs go first: a row whose blob is gone only cannot be replayed, a blob without its row would stay forever.
        foreach (var entity in expired.Where(e => e.GetBoolean("EnvelopeBlob") is true && envelopes is not null))
        {
            await envelopes!.DeleteBlobIfExistsAsync(EnvelopeBlob(entity.PartitionKey, entity.RowKey[2..]), cancellationToken: cancellationToken);
        }

        // An entity-group transaction holds up to 100 rows of one partition.
        var removed = 0;
        foreach (var chunk in expired.GroupBy(e => e.PartitionKey).SelectMany(p => p.Chunk(100)))
        {
            var actions = chunk.Select(e => new TableTransactionAction(TableTransactionActionType.Delete, e, ETag.All)).ToList();
            try
            {
                await table.SubmitTransactionAsync(actions, cancellationToken);
                // The rows that admit channels to refusal counters are bookkeeping, not history.
                removed += chunk.Count(e => e.PartitionKey != RefusalChannelsPartition);
            }
            catch (TableTransactionFailedException ex) when (ex.Status == 404)
            {
                // A row went meanwhile; the rest go at the next sweep.
            }
        }

        return removed;
    }

    /// <summary>
    /// The channel itself when it has (or now gets) refusal counters of its own, else <see cref="RefusalCount.OtherChannels"/>.
    /// The admitted channels of a source are one row under its ETag, so every instance of the app keeps the one bound;
    /// the row's <c>LastAt</c> is its last admission, so retention removes it (freeing its places) once no channel was
    /// admitted for that long; counters still kept then let the rows reach twice the bound at most, until they expire too.
    /// </summary>
    private async Task<string> AdmitRefusalChannelAsync(string source, string channel, DateTimeOffset at, CancellationToken cancellationToken)
    {
        static List<string> Channels(TableEntity? row) =>
            [.. (row?.GetString("Channels") ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries)];

        var current = await table.GetEntityIfExistsAsync<TableEntity>(RefusalChannelsPartition, source, cancellationToken: cancellationToken);
        var known = Channels(current.HasValue ? current.Value : null);
        if (known.Contains(channel, StringComparer.Ordinal))
        {
            return channel;
        }

        if (known.Count >= RefusalCount.MaxChannelsPerSource)
        {
            return RefusalCount.OtherChannels;
        }

        var admitted = false;
        await TableRowUpdate.ApplyAsync(
            table,
            RefusalChannelsPartition,
            source,
            existing =>
            {
                var channels = Channels(existing);
                admitted = channels.Contains(channel, StringComparer.Ordinal) || channels.Count < RefusalCount.MaxChannelsPerSource;
                if (admitted && !channels.Contains(channel, StringComparer.Ordinal))
                {
                    channels.Add(channel);
                }

                return new TableEntity(RefusalChannelsPartition, source) { ["Channels"] = string.Join(',', channels), ["LastAt"] = at };
            },
            MaxAttempts,
            TimeSpan.Zero,
            cancellationToken);
        return admitted ? channel : RefusalCount.OtherChannels;
    }

    private static string EventRow(string eventId) => $"e-{eventId}";

    private static string EnvelopeBlob(string channel, string eventId) => $"{channel}/{eventId}.json";

    /// <summary>The envelope in the row when it fits, else in its blob; not at all when it fits neither.</summary>
    private async Task KeepEnvelopeAsync(TableEntity entity, ChannelEvent envelope, CancellationToken cancellationToken)
    {
        var json = JsonSerializer.Serialize(envelope, EventJsonContext.Default.ChannelEvent);
        if (json.Length <= MaxInlineEnvelope)
        {
            entity["Envelope"] = json;
        }
        else if (envelopes is not null)
        {
            await _envelopes.EnsureAsync(cancellationToken);
            await envelopes.GetBlobClient(EnvelopeBlob(envelope.Channel, envelope.Id)).UploadAsync(BinaryData.FromString(json), overwrite: true, cancellationToken);
            entity["EnvelopeBlob"] = true;
        }
    }

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
            entity.PartitionKey, entity.RowKey[2..], entity.GetString("Kind"), entity.GetString("Type"), entity.GetString("Summary"), HistoryOrder.Steps(steps))
        {
            Meta = HistoryMeta.With(entity.PartitionKey, HistoryMeta.Fields.Select(f => (f.Key, (string?)entity.GetString(f.Column)))),
        };
    }

    private async Task<TableEntity?> GetEntityAsync(string partition, string row, CancellationToken cancellationToken)
    {
        await _table.EnsureAsync(cancellationToken);
        var response = await table.GetEntityIfExistsAsync<TableEntity>(partition, row, cancellationToken: cancellationToken);
        return response.HasValue ? response.Value : null;
    }
}
