using Serverless.Contracts;

namespace Serverless.Relay.Connection;

/// <summary>The app's history of this channel's events (the <c>events</c> and <c>tail</c> commands, the <c>list_events</c> tool).</summary>
public interface IHistoryApi
{
    /// <summary>Recent events with their steps, newest first; <paramref name="filters"/> is the query string past the channel.</summary>
    Task<EventHistoryResponse> ListHistoryAsync(string filters, CancellationToken cancellationToken);

    /// <summary>One event's steps, or null when the channel has no history of it.</summary>
    Task<EventHistoryRecord?> GetHistoryAsync(string eventId, CancellationToken cancellationToken);
}
