namespace Serverless.Contracts;

/// <summary>
/// <c>GET /api/relay/history/{id}</c>, and each row of the list: an event, where it is now, every step it passed, and
/// <see cref="Meta"/>, the attributes a playbook rule tests under their meta names (kind, event_type, severity, repo,
/// service, channel, trust, user; only those with a value).
/// </summary>
public sealed record EventHistoryRecord(
    string Id, string? Source, string? Type, string? Summary, EventStep? Status, IReadOnlyList<EventHistoryStep> Steps, IReadOnlyDictionary<string, string>? Meta = null);
