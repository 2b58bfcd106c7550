using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Serverless.Relay.Delivery;

namespace Serverless.Relay.Connection;

/// <summary>
/// Keeps the relay connected: negotiate, hold the WebSocket, drain the backlog on every connect and
/// on a timer, and retry with capped, jittered backoff whatever fails, without ever ending the MCP session.
/// </summary>
public sealed partial class RelayWorker(
    RelaySettings settings,
    IRelayApi api,
    ReliablePubSubConnection connection,
    EventDelivery delivery,
    RelayStatus status,
    TimeProvider timeProvider,
    ILogger<RelayWorker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        LogStarting(settings.Url, settings.Channel, Environment.ProcessId);
        using var pollCts = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var safetyPoll = SafetyPollAsync(pollCts.Token);
        var backoff = new Backoff(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30));
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    status.SetState("negotiating");
                    var url = await api.NegotiateAsync(stoppingToken);
                    await connection.RunAsync(
                        url,
                        async ct =>
                        {
                            status.SetState("connected");
                            backoff.Reset();
                            await DrainAsync("connect", ct);
                        },
                        (data, ct) => OnDataAsync(data, ct),
                        stoppingToken);
                    status.SetState("reconnecting");
                }
                catch (RelayApiException ex)
                {
                    var delay = backoff.Next();
                    status.SetState("retrying");
                    status.SetError(ex.Message);
                    LogRetrying(ex.Message, delay.TotalSeconds);
                    await Task.Delay(delay, timeProvider, stoppingToken);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
        finally
        {
            await pollCts.CancelAsync();
            await safetyPoll;
            status.SetState("stopped");
        }
    }

    private async Task OnDataAsync(System.Text.Json.Nodes.JsonNode? data, CancellationToken cancellationToken)
    {
        var relayEvent = RelayEvent.FromMessage(data);
        if (relayEvent is null)
        {
            LogUnknownMessage();
            return;
        }

        await delivery.DeliverAsync(relayEvent, cancellationToken);
    }

    private async Task SafetyPollAsync(CancellationToken cancellationToken)
    {
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                await Task.Delay(settings.SafetyPollInterval, timeProvider, cancellationToken);
                await DrainAsync("safety poll", cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }

    private async Task DrainAsync(string reason, CancellationToken cancellationToken)
    {
        try
        {
            var count = await delivery.DrainBacklogAsync(cancellationToken);
            if (count > 0)
            {
                LogDrained(count, reason);
            }
        }
        catch (RelayApiException ex)
        {
            status.SetError(ex.Message);
            LogDrainFailed(reason, ex.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Relay starting for {Url}, channel '{Channel}' (pid {ProcessId})")]
    private partial void LogStarting(Uri url, string channel, int processId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Relay not connected: {Reason}. Retrying in {DelaySeconds:0.0} s")]
    private partial void LogRetrying(string reason, double delaySeconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Backlog ({Reason}): {Count} event(s) handled")]
    private partial void LogDrained(int count, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Backlog ({Reason}) failed: {Error}")]
    private partial void LogDrainFailed(string reason, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Ignored a message that is not an event")]
    private partial void LogUnknownMessage();
}
