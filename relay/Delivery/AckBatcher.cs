using System.Net;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Serverless.Contracts;
using Serverless.Relay.Connection;

namespace Serverless.Relay.Delivery;

/// <summary>How the acknowledgements of shown events are batched and retried.</summary>
public sealed record AckBatcherOptions
{
    /// <summary>How long the sender waits for more receipts after the first one, so a burst goes in one call and a single event is not held up.</summary>
    public TimeSpan Linger { get; init; } = TimeSpan.FromMilliseconds(3);

    /// <summary>The most receipts one ack call carries (the relay API's own limit).</summary>
    public int MaxReceiptsPerCall { get; init; } = Serverless.Contracts.RelayApiDefaults.MaxReceiptsPerCall;

    /// <summary>Receipts waiting to be sent; past it the oldest are dropped (their events come again and are skipped as duplicates).</summary>
    public int Capacity { get; init; } = 10_000;

    /// <summary>Attempts of one batch when the call fails (5xx, 429, network) before it is left to the visibility timeout.</summary>
    public int MaxAttempts { get; init; } = 6;

    public TimeSpan FirstRetryDelay { get; init; } = TimeSpan.FromMilliseconds(200);

    public TimeSpan MaxRetryDelay { get; init; } = TimeSpan.FromSeconds(10);
}

/// <summary>
/// Acknowledges shown events off the delivery path: a receipt is queued (never awaited), and one
/// background sender posts whatever is queued, up to <see cref="AckBatcherOptions.MaxReceiptsPerCall"/>
/// receipts a call, after a linger of a few milliseconds. An answer that counts stale receipts is final
/// (those events were received again since, and the newer receipt acknowledges them); a failed call is
/// retried with capped, jittered backoff, a bounded number of times. A receipt that is never sent costs
/// nothing but time: its event comes back after the visibility timeout and is acknowledged as a duplicate.
/// </summary>
public sealed partial class AckBatcher : IDisposable
{
    private readonly IRelayApi _api;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly AckBatcherOptions _options;
    private readonly System.Threading.Channels.Channel<PendingAck> _queue;
    // Cancelled when the flush deadline passes (or on dispose): the call in flight and every wait stop.
    private readonly CancellationTokenSource _stop = new();
    // Cancelled when the flush starts: the linger and any backoff wait end at once.
    private readonly CancellationTokenSource _hurry = new();
    private readonly Task _sender;
    private long _dropped;
    private int _disposed;

    public AckBatcher(IRelayApi api, TimeProvider timeProvider, ILogger logger, AckBatcherOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(api);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(logger);
        _api = api;
        _timeProvider = timeProvider;
        _logger = logger;
        _options = options ?? new AckBatcherOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.MaxReceiptsPerCall, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.Capacity, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.MaxAttempts, 1);
        _queue = System.Threading.Channels.Channel.CreateBounded<PendingAck>(
            new BoundedChannelOptions(_options.Capacity)
            {
                FullMode = BoundedChannelFullMode.DropOldest,
                SingleReader = true,
            },
            OnDropped);
        _sender = Task.Run(SendLoopAsync);
    }

    /// <summary>
    /// Queues a receipt (and what the relay saw of its event, for the app's history) for the next call; returns at
    /// once. False once the batcher is flushing or stopped.
    /// </summary>
    public bool Enqueue(string receipt, ReceiptDelivery? delivery = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(receipt);
        if (_queue.Writer.TryWrite(new PendingAck(receipt, delivery)))
        {
            return true;
        }

        LogNotQueued();
        return false;
    }

    /// <summary>
    /// Takes no more receipts and sends the queued ones, giving up at <paramref name="deadline"/>: what is not
    /// sent by then comes again after the visibility timeout and is then recognised as a duplicate.
    /// </summary>
    public async Task FlushAsync(TimeSpan deadline)
    {
        if (Volatile.Read(ref _disposed) != 0)
        {
            return;
        }

        _queue.Writer.TryComplete();
        await _hurry.CancelAsync().ConfigureAwait(false);
        using var timeout = new CancellationTokenSource(deadline, _timeProvider);
        using var registration = timeout.Token.Register(() => _stop.Cancel());
        await _sender.ConfigureAwait(false);
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _queue.Writer.TryComplete();
        _stop.Cancel();
        _hurry.Cancel();
        try
        {
            // Stopped, the loop ends promptly; it never throws.
            _sender.Wait(TimeSpan.FromSeconds(1));
        }
        catch (AggregateException)
        {
            // Nothing left to do.
        }

        _stop.Dispose();
        _hurry.Dispose();
    }

    private async Task SendLoopAsync()
    {
        var reader = _queue.Reader;
        var batch = new List<PendingAck>(Math.Min(_options.MaxReceiptsPerCall, 64));
        try
        {
            while (await reader.WaitToReadAsync(_stop.Token).ConfigureAwait(false))
            {
                Fill(reader, batch);
                if (batch.Count < _options.MaxReceiptsPerCall && _options.Linger > TimeSpan.Zero && !_hurry.IsCancellationRequested)
                {
                    await WaitAsync(_options.Linger).ConfigureAwait(false);
                    Fill(reader, batch);
                }

                await SendAsync(batch).ConfigureAwait(false);
                batch.Clear();
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            // The flush deadline passed, or the relay is gone.
        }

        var left = batch.Count;
        while (reader.TryRead(out _))
        {
            left++;
        }

        if (left > 0)
        {
            LogLeftUnacknowledged(left);
        }
    }

    private void Fill(ChannelReader<PendingAck> reader, List<PendingAck> batch)
    {
        while (batch.Count < _options.MaxReceiptsPerCall && reader.TryRead(out var receipt))
        {
            batch.Add(receipt);
        }
    }

    private async Task SendAsync(List<PendingAck> batch)
    {
        IReadOnlyList<string> receipts = [.. batch.Select(p => p.Receipt)];
        // Sent only when there is something to tell: the app reads a missing list as "nothing".
        IReadOnlyList<ReceiptDelivery?>? deliveries = batch.Any(p => p.Delivery is not null) ? [.. batch.Select(p => p.Delivery)] : null;
        var backoff = new Backoff(_options.FirstRetryDelay, _options.MaxRetryDelay);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var answer = await _api.AcknowledgeAsync(receipts, deliveries, _stop.Token).ConfigureAwait(false);
                if (answer is { Stale: > 0 and var stale })
                {
                    // Final: a stale receipt stays stale. Its event was received again, and that newer receipt acknowledges it.
                    LogStale(stale, batch.Count);
                }

                return;
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                throw;
            }
            catch (Exception ex) when (IsRetryable(ex) && attempt < _options.MaxAttempts && !_hurry.IsCancellationRequested)
            {
                var delay = backoff.Next();
                LogRetrying(batch.Count, ex.Message, delay.TotalMilliseconds);
                await WaitAsync(delay).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                // Not fatal: the events come back after their visibility timeout and are acknowledged as duplicates.
                LogAckFailed(batch.Count, attempt, ex.Message);
                return;
            }
        }
    }

    /// <summary>A wait the flush cuts short; only the deadline (or dispose) ends the loop.</summary>
    private async Task WaitAsync(TimeSpan delay)
    {
        try
        {
            await Task.Delay(delay, _timeProvider, _hurry.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (_hurry.IsCancellationRequested)
        {
            // Flushing: send now.
        }
    }

    /// <summary>Worth another try: the app or the network failed, not the request.</summary>
    private static bool IsRetryable(Exception ex) => ex switch
    {
        RelayApiException { Status: null } => true,
        RelayApiException { Status: { } status } => (int)status >= 500 || status is HttpStatusCode.TooManyRequests or HttpStatusCode.RequestTimeout,
        HttpRequestException or IOException => true,
        // A call timed out without the relay stopping.
        OperationCanceledException => true,
        _ => false,
    };

    private void OnDropped(PendingAck dropped)
    {
        // Once, then every thousandth: a long outage of the ack call must not flood stderr.
        if (Interlocked.Increment(ref _dropped) % 1000 == 1)
        {
            LogDropped(_options.Capacity, Interlocked.Read(ref _dropped));
        }
    }

    private sealed record PendingAck(string Receipt, ReceiptDelivery? Delivery);

    [LoggerMessage(Level = LogLevel.Debug, Message = "{Stale} of {Count} receipt(s) were stale: those events were received again since, and the newer receipt acknowledges them")]
    private partial void LogStale(int stale, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Acknowledging {Count} delivered event(s) failed ({Reason}); retrying in {DelayMs:0} ms")]
    private partial void LogRetrying(int count, string reason, double delayMs);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Acknowledging {Count} delivered event(s) failed after {Attempts} attempt(s) ({Reason}); they will be skipped when they come again")]
    private partial void LogAckFailed(int count, int attempts, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "More than {Capacity} acknowledgements were waiting; dropped the oldest ({Dropped} so far), whose events will be skipped when they come again")]
    private partial void LogDropped(int capacity, long dropped);

    [LoggerMessage(Level = LogLevel.Debug, Message = "An acknowledgement came after the relay stopped acknowledging; its event will be skipped when it comes again")]
    private partial void LogNotQueued();

    [LoggerMessage(Level = LogLevel.Information, Message = "{Count} acknowledgement(s) were not sent before the relay stopped; those events will be skipped when they come again")]
    private partial void LogLeftUnacknowledged(int count);
}
