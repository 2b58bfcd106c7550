namespace Serverless.Contracts;

/// <summary><c>GET /api/relay/history/{id}</c>, and each row of the list: an event, where it is now, and every step it passed.</summary>
public sealed record EventHistoryRecord(string Id, string? Source, string? Type, string? Summary, EventStep? Status, IReadOnlyList<EventHistoryStep> Steps);
