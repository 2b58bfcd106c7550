using Serverless.Contracts;
using Serverless.Functions.History;
using Serverless.Functions.Inbox;

namespace Serverless.EndToEnd.Tests;

/// <summary>The Table Storage event history against Azurite: steps merge without reads, counters add up, retention removes.</summary>
[Collection(UsesAzurite.Name)]
public sealed class TableEventHistoryStoreTests(AzuriteFixture fixture)
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 25, 9, 0, 0, TimeSpan.Zero);

    private TableEventHistoryStore Store() => new(StorageClients.CreateTable(
        new StorageOptions { ConnectionString = fixture.Azurite.ConnectionString }, "history" + Guid.NewGuid().ToString("N")[..8]));

    private static HistoryNote Accepted(string channel, string id, DateTimeOffset at, string kind = "github") =>
        new(channel, id, [new(EventStep.Received, at), new(EventStep.Stored, at.AddMilliseconds(15)), new(EventStep.Rung, at.AddMilliseconds(20))])
        {
            Kind = kind,
            Type = $"{kind}.issues",
            Summary = "issue #7 opened",
        };

    [Fact]
    public async Task Steps_written_apart_and_out_of_order_make_one_history_in_order()
    {
        var store = Store();
        await store.WriteAsync([new HistoryNote("ops", "a1", [new(EventStep.Acknowledged, T0.AddSeconds(2))])], default);
        await store.WriteAsync([Accepted("ops", "a1", T0), new HistoryNote("ops", "a1", [new(EventStep.Taken, T0.AddSeconds(1))])], default);

        var entry = await store.GetAsync("ops", "a1", default);

        Assert.NotNull(entry);
        Assert.Equal(("github", "github.issues", "issue #7 opened"), (entry.Kind, entry.Type, entry.Summary));
        Assert.Equal([EventStep.Received, EventStep.Stored, EventStep.Rung, EventStep.Taken, EventStep.Acknowledged], entry.Steps.Select(s => s.Step));
        Assert.Equal(T0.AddSeconds(1), entry.Steps[3].At);
        Assert.Equal(EventStep.Acknowledged, entry.Status);
        Assert.Null(await store.GetAsync("other", "a1", default));
    }

    [Fact]
    public async Task A_dead_lettered_event_keeps_its_reason_and_lists_filter_by_status_source_and_time()
    {
        var store = Store();
        await store.WriteAsync(
        [
            Accepted("ops", "old", T0.AddHours(-3), kind: "sentry"),
            Accepted("ops", "dead", T0),
            new HistoryNote("ops", "dead", [new(EventStep.DeadLettered, T0.AddMinutes(5), "taken 5 times without an acknowledgement")]),
            Accepted("ops", "newest", T0.AddMinutes(1)),
            Accepted("dev", "elsewhere", T0),
        ], default);

        Assert.Equal(["newest", "dead", "old"], (await store.ListAsync("ops", new HistoryQuery(), default)).Select(e => e.EventId));
        var dead = Assert.Single(await store.ListAsync("ops", new HistoryQuery(Status: EventStep.DeadLettered), default));
        Assert.Equal("taken 5 times without an acknowledgement", dead.Steps[^1].Detail);
        Assert.Equal(["old"], (await store.ListAsync("ops", new HistoryQuery(Kind: "sentry"), default)).Select(e => e.EventId));
        Assert.Equal(["newest", "dead"], (await store.ListAsync("ops", new HistoryQuery(Since: T0.AddMinutes(-1)), default)).Select(e => e.EventId));
        Assert.Equal(["newest"], (await store.ListAsync("ops", new HistoryQuery(Limit: 1), default)).Select(e => e.EventId));
    }

    [Fact]
    public async Task Refusals_counted_at_once_all_count_and_expired_rows_are_removed()
    {
        var store = Store();
        await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => store.CountRefusalsAsync("ops", "github", RefusalReason.BadSignature, 2, T0, default)));
        await store.CountRefusalsAsync("ops", "generic", RefusalReason.TooLarge, 1, T0.AddDays(-10), default);
        await store.WriteAsync([Accepted("ops", "old", T0.AddDays(-10)), Accepted("ops", "recent", T0)], default);

        Assert.Equal(
            [("generic", RefusalReason.TooLarge, 1L), ("github", RefusalReason.BadSignature, 10L)],
            (await store.RefusalsAsync("ops", default)).Select(r => (r.Source, r.Reason, r.Count)));

        Assert.Equal(2, await store.RemoveOlderThanAsync(T0.AddDays(-7), default));
        Assert.Null(await store.GetAsync("ops", "old", default));
        Assert.NotNull(await store.GetAsync("ops", "recent", default));
        Assert.Equal([("github", RefusalReason.BadSignature, 10L)], (await store.RefusalsAsync("ops", default)).Select(r => (r.Source, r.Reason, r.Count)));
    }

    private static Serverless.Functions.Events.ChannelEvent Envelope(string channel, string id, string data) => new()
    {
        Id = id,
        Source = "/hooks/generic",
        Type = "generic.webhook",
        Time = T0,
        Channel = channel,
        Kind = "generic",
        EventType = "webhook",
        Trust = Serverless.Functions.Events.TrustLevel.ThirdParty,
        Summary = "db down",
        Severity = "critical",
        Data = System.Text.Json.Nodes.JsonValue.Create(data),
    };

    [Fact]
    public async Task Envelopes_are_kept_in_the_row_or_in_a_blob_for_a_replay_with_their_meta_and_go_with_the_retention()
    {
        var container = new Azure.Storage.Blobs.BlobContainerClient(fixture.Azurite.ConnectionString, "history-envelopes-" + Guid.NewGuid().ToString("N")[..8]);
        var store = new TableEventHistoryStore(
            StorageClients.CreateTable(new StorageOptions { ConnectionString = fixture.Azurite.ConnectionString }, "history" + Guid.NewGuid().ToString("N")[..8]),
            container);
        var small = Envelope("ops", "small", "x");
        // Past what a table property holds (64 KiB): the envelope goes to a blob.
        var large = Envelope("ops", "large", new string('y', 200_000));
        await store.WriteAsync(
        [
            Accepted("ops", "small", T0.AddDays(-10)) with { Envelope = small },
            Accepted("ops", "large", T0.AddDays(-10)) with { Envelope = large },
        ], default);

        Assert.Equal("x", (string?)(await store.GetEnvelopeAsync("ops", "small", default))!.Data);
        Assert.Equal(200_000, ((string?)(await store.GetEnvelopeAsync("ops", "large", default))!.Data)!.Length);
        Assert.Null(await store.GetEnvelopeAsync("ops", "unknown", default));
        var meta = (await store.GetAsync("ops", "large", default))!.Meta;
        Assert.Equal(("critical", "generic", "webhook", "ops"), (meta["severity"], meta["kind"], meta["event_type"], meta["channel"]));
        Assert.Equal(1, await container.GetBlobsAsync().CountAsync());

        Assert.Equal(2, await store.RemoveOlderThanAsync(T0.AddDays(-7), default));

        Assert.Null(await store.GetEnvelopeAsync("ops", "large", default));
        Assert.Equal(0, await container.GetBlobsAsync().CountAsync());
    }

    [Fact]
    public async Task Refusals_to_more_channels_than_the_bound_leave_the_bound_of_rows_and_one_bucket()
    {
        var tableName = "history" + Guid.NewGuid().ToString("N")[..8];
        var table = StorageClients.CreateTable(new StorageOptions { ConnectionString = fixture.Azurite.ConnectionString }, tableName);
        var store = new TableEventHistoryStore(table);
        var extra = 20;
        for (var i = 0; i < RefusalCount.MaxChannelsPerSource + extra; i++)
        {
            await store.CountRefusalsAsync($"made-up-{i}", "github", RefusalReason.BadSignature, 1, T0, default);
        }

        // A channel admitted before the bound was reached keeps its own counter afterwards.
        await store.CountRefusalsAsync("made-up-0", "github", RefusalReason.BadSignature, 1, T0, default);

        var counterRows = new List<string>();
        await foreach (var row in table.QueryAsync<Azure.Data.Tables.TableEntity>("RowKey ge 'r-' and RowKey lt 'r.'", select: ["PartitionKey"]))
        {
            counterRows.Add(row.PartitionKey);
        }

        Assert.Equal(RefusalCount.MaxChannelsPerSource + 1, counterRows.Count);
        Assert.Equal(extra, Assert.Single(await store.RefusalsAsync(RefusalCount.OtherChannels, default)).Count);
        Assert.Equal(2, Assert.Single(await store.RefusalsAsync("made-up-0", default)).Count);
        Assert.Empty(await store.RefusalsAsync($"made-up-{RefusalCount.MaxChannelsPerSource}", default));
    }
}
