namespace Serverless.Contracts;

/// <summary>
/// <c>POST /api/relay/questions</c>: ask the channel's owner a question in a chat and keep it until it is
/// answered or its time runs out. Asking again with the same <see cref="Key"/> returns the same question.
/// </summary>
public sealed record AskRequest(
    string? Channel,
    string? Question,
    IReadOnlyList<string>? Options,
    string? ChatId,
    int? TimeoutSeconds,
    string? Key,
    string? Format) : IChannelScoped;
