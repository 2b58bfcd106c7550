using Microsoft.Extensions.Hosting;

namespace Serverless.Functions.Hosting;

/// <summary>
/// A background job that runs one sweep every <paramref name="interval"/> on the app's clock until the app
/// stops. A sweep handles its own failures, so one bad sweep never ends the next.
/// </summary>
/// <param name="sweepAtStart">Sweep once as the app starts, before the first interval has passed.</param>
public abstract class PeriodicSweeper(TimeSpan interval, bool sweepAtStart, TimeProvider timeProvider) : BackgroundService
{
    /// <summary>The app's clock, for the sweep's own reckoning.</summary>
    protected TimeProvider Clock { get; } = timeProvider;

    /// <summary>One sweep; it logs its own failures rather than throwing them.</summary>
    protected abstract Task SweepAsync(CancellationToken cancellationToken);

    protected sealed override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(interval, Clock);
        try
        {
            if (sweepAtStart)
            {
                await SweepAsync(stoppingToken);
            }

            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await SweepAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }
}
