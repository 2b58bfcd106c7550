namespace Serverless.Contracts;

/// <summary>The chat written to (a chat reference, as events carry it) and the ids of the messages sent or changed.</summary>
public sealed record ReplyResponse(
    string ChatId,
    IReadOnlyList<string> MessageIds)
{
    /// <summary>True when the service refused the markdown and the text went as plain text.</summary>
    public bool? FormattingDropped { get; init; }
}
