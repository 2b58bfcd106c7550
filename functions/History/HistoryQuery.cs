namespace Serverless.Functions.History;

/// <summary>Which of a channel's events to list: newest first, at most <see cref="Limit"/>.</summary>
public sealed record HistoryQuery(EventStep? Status = null, string? Kind = null, DateTimeOffset? Since = null, int Limit = HistoryQuery.DefaultLimit)
{
    public const int DefaultLimit = 20;
    public const int MaxLimit = 200;
}
