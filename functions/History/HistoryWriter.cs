using Microsoft.Extensions.Hosting;

namespace Serverless.Functions.History;

/// <summary>Writes the history's pending notes in the background, and what is left when the app stops.</summary>
public sealed class HistoryWriter(EventHistory history) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (await history.WaitAsync(stoppingToken))
            {
                await history.DrainAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: StopAsync writes the rest.
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        await history.DrainAsync(cancellationToken);
    }
}
