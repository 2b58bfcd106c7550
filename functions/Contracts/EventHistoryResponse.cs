namespace Serverless.Contracts;

/// <summary><c>GET /api/relay/history?channel=</c>: the channel's recent events, newest first, and its refused deliveries.</summary>
public sealed record EventHistoryResponse(string Channel, IReadOnlyList<EventHistoryRecord> Events, IReadOnlyList<RefusedDeliveries> Refused);
