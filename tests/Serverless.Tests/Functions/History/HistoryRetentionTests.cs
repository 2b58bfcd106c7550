using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Serverless.Functions.History;

namespace Serverless.Tests.Functions.History;

/// <summary>Histories and refusal counters are kept History:RetentionDays after their last step, then the app removes them.</summary>
public class HistoryRetentionTests
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 25, 8, 0, 0, TimeSpan.Zero));
    private readonly EmbeddedEventHistoryStore _store = new();

    private HistorySweeper Sweeper(int days = 7) =>
        new(_store, Options.Create(new HistoryOptions { RetentionDays = days }), _clock, NullLogger<HistorySweeper>.Instance);

    private Task NoteAsync(string id, EventStep step) =>
        _store.WriteAsync([new HistoryNote("ops", id, [new StepTime(step, _clock.GetUtcNow())])], default);

    [Fact]
    public async Task Expired_rows_are_removed_and_rows_with_a_recent_step_are_kept()
    {
        await NoteAsync("old", EventStep.Received);
        await NoteAsync("touched", EventStep.Received);
        await _store.CountRefusalsAsync("ops", "github", RefusalReason.BadSignature, 1, _clock.GetUtcNow(), default);
        _clock.Advance(TimeSpan.FromDays(6));
        await NoteAsync("touched", EventStep.Acknowledged);
        await NoteAsync("new", EventStep.Received);
        _clock.Advance(TimeSpan.FromDays(1) + TimeSpan.FromMinutes(1));

        var removed = await Sweeper().SweepOnceAsync(default);

        Assert.Equal(2, removed);
        Assert.Null(await _store.GetAsync("ops", "old", default));
        Assert.NotNull(await _store.GetAsync("ops", "touched", default));
        Assert.NotNull(await _store.GetAsync("ops", "new", default));
        Assert.Empty(await _store.RefusalsAsync("ops", default));
    }

    [Fact]
    public async Task The_sweeper_removes_expired_rows_on_its_own_clock()
    {
        await NoteAsync("old", EventStep.Received);
        using var sweeper = Sweeper(days: 1);
        await sweeper.StartAsync(default);
        _clock.Advance(TimeSpan.FromDays(2));

        // The first sweep ran at start; the next one runs when the fake clock passes the interval.
        _clock.Advance(HistorySweeper.Interval);
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (await _store.GetAsync("ops", "old", default) is not null && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        await sweeper.StopAsync(default);
        Assert.Null(await _store.GetAsync("ops", "old", default));
    }

    [Fact]
    public async Task The_in_memory_history_keeps_its_bound_by_forgetting_the_events_whose_last_step_is_oldest()
    {
        var store = new EmbeddedEventHistoryStore(maxEvents: 100);
        Task Note(string id, EventStep step)
        {
            _clock.Advance(TimeSpan.FromSeconds(1));
            return store.WriteAsync([new HistoryNote("ops", id, [new StepTime(step, _clock.GetUtcNow())])], default);
        }

        for (var i = 0; i < 110; i++)
        {
            await Note($"e{i:000}", EventStep.Received);
        }

        // e000 moves on, so its last step is now recent; the next event crosses the bound (and its tenth).
        await Note("e000", EventStep.Acknowledged);
        await Note("e110", EventStep.Received);

        Assert.Equal(100, (await store.ListAsync("ops", new HistoryQuery(Limit: HistoryQuery.MaxLimit), default)).Count);
        Assert.NotNull(await store.GetAsync("ops", "e000", default));
        Assert.Null(await store.GetAsync("ops", "e001", default));
        Assert.Null(await store.GetAsync("ops", "e011", default));
        Assert.NotNull(await store.GetAsync("ops", "e012", default));
        Assert.NotNull(await store.GetAsync("ops", "e110", default));
    }
}
