using System.Text.Json;
using Serverless.Contracts;
using Serverless.Relay.Connection;
using Serverless.Relay.History;

namespace Serverless.Relay.CommandLine;

/// <summary><c>relay events [ID]</c> and <c>relay tail</c>: what became of the channel's events, read from the app's history.</summary>
public static class EventsCommand
{
    /// <summary>How often <c>tail</c> asks for new events: well within a second of the webhook.</summary>
    public static readonly TimeSpan TailInterval = TimeSpan.FromMilliseconds(400);

    private const int TailWindow = 50;

    public static async Task<int> ListAsync(RelayApiClient api, HistoryFilters filters, bool json, TextWriter output, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(api);
        ArgumentNullException.ThrowIfNull(filters);
        ArgumentNullException.ThrowIfNull(output);
        var history = await api.ListHistoryAsync(filters.ToQuery(), cancellationToken);
        await output.WriteAsync(json ? JsonSerializer.Serialize(HistoryText.Cleaned(history), RelayApiJsonContext.Default.EventHistoryResponse) + Environment.NewLine : HistoryText.Table(history));
        return 0;
    }

    public static async Task<int> ShowAsync(RelayApiClient api, string eventId, bool json, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(api);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        var record = await api.GetHistoryAsync(eventId, cancellationToken);
        if (record is null)
        {
            await error.WriteLineAsync($"relay events: no history of event {eventId} on this channel (unknown, or older than the retention).");
            return 1;
        }

        await output.WriteAsync(json ? JsonSerializer.Serialize(HistoryText.Cleaned(record), RelayApiJsonContext.Default.EventHistoryRecord) + Environment.NewLine : HistoryText.Steps(record));
        return 0;
    }

    /// <summary>
    /// Prints each event the channel receives from now on, oldest first, until cancelled. It reads the history
    /// and nothing else: it takes no event from the queue the MCP relay consumes. New events are told apart by id,
    /// not by time, so a clock that differs from the app's loses none.
    /// </summary>
    public static async Task<int> TailAsync(RelayApiClient api, bool json, TextWriter output, TextWriter error, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(api);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        var query = new HistoryFilters(null, null, null, TailWindow).ToQuery();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var known in (await api.ListHistoryAsync(query, cancellationToken)).Events)
        {
            seen.Add(known.Id);
        }

        await error.WriteLineAsync("relay tail: following new events (Ctrl+C to stop)");
        using var timer = new PeriodicTimer(TailInterval, timeProvider);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                EventHistoryResponse page;
                try
                {
                    page = await api.ListHistoryAsync(query, cancellationToken);
                }
                catch (RelayApiException ex)
                {
                    await error.WriteLineAsync($"relay tail: {ex.Message}; trying again");
                    continue;
                }

                foreach (var record in page.Events.Reverse().Where(e => seen.Add(e.Id)))
                {
                    await output.WriteLineAsync(json ? JsonSerializer.Serialize(HistoryText.Cleaned(record), RelayApiJsonContext.Default.EventHistoryRecord) : HistoryText.TailLine(record));
                }

                await output.FlushAsync(cancellationToken);
                if (seen.Count > 10_000)
                {
                    seen = [.. page.Events.Select(e => e.Id)];
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Ctrl+C.
        }

        return 0;
    }
}
