namespace Serverless.Contracts;

/// <summary>Who was paired, from which chat, for which channel, on which chat transport.</summary>
public sealed record PairResponse(
    string UserId,
    string ChatId,
    string Channel)
{
    /// <summary><c>telegram</c>, <c>slack</c> or <c>discord</c>.</summary>
    public string? Transport { get; init; }
}
