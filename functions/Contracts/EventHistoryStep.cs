namespace Serverless.Contracts;

/// <summary>One step of an event and when it happened; <see cref="Detail"/> gives the reason of a dead-lettered event.</summary>
public sealed record EventHistoryStep(EventStep Step, DateTimeOffset At, string? Detail = null);
