using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Serverless.Relay.Channel;
using Serverless.Relay.Delivery;

namespace Serverless.Relay.Connection;

/// <summary>
/// Keeps the relay connected once Claude Code can take channel notifications: negotiate, hold the
/// WebSocket, drain the backlog on every connect and on a timer, and retry with capped, jittered
/// backoff whatever fails, without ever ending the MCP session.
/// </summary>
public sealed partial class RelayWorker(
    RelaySettings settings,
    SessionReadiness readiness,
    IRelayApi api,
    ReliablePubSubConnection connection,
    EventDelivery delivery,
    RelayStatus status,
    SessionClosing closing,
    IHostApplicationLifetime lifetime,
    TimeProvider timeProvider,
    ILogger<RelayWorker> logger) : BackgroundService
{
    public override Task StartAsync(CancellationToken cancellationToken)
    {
        // stdin ended: stop as on SIGTERM, while the transport can still write (SessionInputStream holds the end back).
        closing.InputEnded.ContinueWith(_ => lifetime.StopApplication(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        return base.StartAsync(cancellationToken);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        try
        {
            await base.StopAsync(cancellationToken);
        }
        finally
        {
            closing.MarkFlushed();
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        LogStarting(settings.Url, settings.Channel, Environment.ProcessId);
        using var closingStarts = stoppingToken.Register(delivery.BeginClosing);
        try
        {
            await WaitForSessionAsync(stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            status.SetState(RelayState.Stopped);
            return;
        }

        using var pollCts = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var safetyPoll = SafetyPollAsync(pollCts.Token);
        var backoff = new Backoff(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30));
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    status.SetState(RelayState.Negotiating);
                    var url = await api.NegotiateAsync(stoppingToken);
                    await connection.RunAsync(
                        url,
                        async ct =>
                        {
                            status.SetState(RelayState.Connected);
                            backoff.Reset();
                            await DrainAsync("connect", ct);
                        },
                        (data, ct) => OnDataAsync(data, ct),
                        stoppingToken);
                    status.SetState(RelayState.Reconnecting);
                }
                catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
                {
                    // Whatever the network or the server answered, the MCP session outlives it.
                    var delay = backoff.Next();
                    status.SetState(RelayState.Retrying);
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
            // Nothing delivers any more: send the acknowledgements still queued, within a short deadline.
            await delivery.FlushAcknowledgementsAsync();
            status.SetState(RelayState.Stopped);
        }
    }

    /// <summary>
    /// Events are taken from the queue only once Claude Code can show them: an event taken earlier would
    /// stay invisible in the queue for the visibility timeout, and every later one would wait behind it.
    /// </summary>
    private async Task WaitForSessionAsync(CancellationToken cancellationToken)
    {
        if (readiness.IsReady)
        {
            return;
        }

        status.SetState(RelayState.WaitingForSession);
        var ready = readiness.WaitAsync(cancellationToken);
        var notice = Task.Delay(settings.HandshakeNotice, timeProvider, cancellationToken);
        if (await Task.WhenAny(ready, notice) == notice && !readiness.IsReady)
        {
            LogHandshakeMissing(settings.HandshakeNotice.TotalSeconds);
        }

        await ready;
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
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            // A failed drain must not end the safety poll: the next tick tries again.
            status.SetError(ex.Message);
            LogDrainFailed(reason, ex.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Relay starting for {Url}, channel '{Channel}' (pid {ProcessId})")]
    private partial void LogStarting(Uri url, string channel, int processId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Relay not connected: {Reason}. Retrying in {DelaySeconds:0.0} s")]
    private partial void LogRetrying(string reason, double delaySeconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Claude Code has not completed the MCP handshake after {Seconds:0} s (no notifications/initialized), so no events are taken from the queue: they wait there, nothing is lost. If the session shows 'channel messages are unavailable', start claude with the environment variable MCP_PROTOCOL_NEGOTIATION=legacy and check the server with /mcp.")]
    private partial void LogHandshakeMissing(double seconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Backlog ({Reason}): {Count} event(s) handled")]
    private partial void LogDrained(int count, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Backlog ({Reason}) failed: {Error}")]
    private partial void LogDrainFailed(string reason, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Ignored a message that is not an event")]
    private partial void LogUnknownMessage();
}
