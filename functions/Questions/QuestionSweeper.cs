using Serverless.Functions.Hosting;

namespace Serverless.Functions.Questions;

/// <summary>
/// Sweeps the questions every <see cref="Interval"/>: a question closes when it is read after its time, and
/// this reads the ones nobody else will (the relay that asked is gone), so their buttons do not stay up.
/// </summary>
public sealed partial class QuestionSweeper(IServiceScopeFactory scopes, TimeProvider timeProvider, ILogger<QuestionSweeper> logger)
    : PeriodicSweeper(Interval, sweepAtStart: false, timeProvider)
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(30);

    protected override Task SweepAsync(CancellationToken cancellationToken) => SweepOnceAsync(cancellationToken);

    /// <summary>One sweep; a failure (storage or the chat service down) is logged and the next sweep tries again.</summary>
    public async Task<QuestionSweep?> SweepOnceAsync(CancellationToken cancellationToken)
    {
        try
        {
            using var scope = scopes.CreateScope();
            var desk = scope.ServiceProvider.GetRequiredService<QuestionDesk>();
            if (!desk.Enabled)
            {
                return null;
            }

            var sweep = await desk.SweepAsync(cancellationToken);
            if (sweep.Closed + sweep.Removed > 0)
            {
                LogSwept(sweep.Closed, sweep.Removed);
            }

            return sweep;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogFailed(ex);
            return null;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Questions: {Closed} closed because their time ran out, {Removed} closed long ago forgotten")]
    private partial void LogSwept(int closed, int removed);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Questions could not be swept; trying again at the next sweep")]
    private partial void LogFailed(Exception exception);
}
