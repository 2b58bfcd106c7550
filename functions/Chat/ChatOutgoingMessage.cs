namespace Serverless.Functions.Chat;

/// <summary>One message to send: the text, how to read it, what it answers and its rows of buttons.</summary>
public sealed record ChatOutgoingMessage(string ChatReference, string Text)
{
    public ChatTextFormat Format { get; init; }

    /// <summary>The message this one answers (shown as a quote or kept in its thread), if any.</summary>
    public string? ReplyTo { get; init; }

    public IReadOnlyList<IReadOnlyList<ChatButton>> Buttons { get; init; } = [];
}

/// <summary>A message the bot sent: where, and its id, so it can be edited later.</summary>
public sealed record ChatMessageRef(string ChatReference, string MessageId);
