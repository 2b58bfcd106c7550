using Serverless.Functions.Hosting;
using Microsoft.Extensions.Options;

namespace Serverless.Functions.History;

/// <summary>Removes, every <see cref="Interval"/>, the histories and counters older than History:RetentionDays.</summary>
public sealed partial class HistorySweeper(IEventHistoryStore store, IOptions<HistoryOptions> options, TimeProvider timeProvider, ILogger<HistorySweeper> logger)
    : PeriodicSweeper(Interval, sweepAtStart: true, timeProvider)
{
    public static readonly TimeSpan Interval = TimeSpan.FromHours(1);

    protected override Task SweepAsync(CancellationToken cancellationToken) => SweepOnceAsync(cancellationToken);

    /// <summary>One sweep; a storage failure is logged and the next sweep tries again. Returns how many rows went.</summary>
    public async Task<int> SweepOnceAsync(CancellationToken cancellationToken)
    {
        try
        {
            var cutoff = Clock.GetUtcNow() - TimeSpan.FromDays(options.Value.RetentionDays);
            var removed = await store.RemoveOlderThanAsync(cutoff, cancellationToken);
            if (removed > 0)
            {
                LogSwept(removed, options.Value.RetentionDays);
            }

            return removed;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogFailed(ex);
            return 0;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Event history: removed {Removed} rows older than {Days} days")]
    private partial void LogSwept(int removed, int days);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Event history could not be swept; trying again at the next sweep")]
    private partial void LogFailed(Exception exception);
}
