namespace Serverless.Contracts;

/// <summary>The chat written to and the ids of the messages sent or changed.</summary>
public sealed record ReplyResponse(
    long ChatId,
    IReadOnlyList<long> MessageIds)
{
    /// <summary>True when Telegram refused the MarkdownV2 and the text went as plain text.</summary>
    public bool? FormattingDropped { get; init; }
}
