namespace Serverless.Functions.History;

/// <summary>When an event passed a step; <see cref="Detail"/> says why for a step that needs a reason (dead-lettered).</summary>
public sealed record StepTime(EventStep Step, DateTimeOffset At, string? Detail = null);
