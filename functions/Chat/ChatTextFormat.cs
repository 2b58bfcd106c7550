namespace Serverless.Functions.Chat;

/// <summary>How a reply's text is read: as it is, or as the transport's own markdown (Telegram MarkdownV2, Slack mrkdwn, Discord markdown).</summary>
public enum ChatTextFormat
{
    Plain,
    Markdown,
}

public static class ChatTextFormats
{
    /// <summary>The tools' <c>format</c> argument: <c>text</c> (the default), <c>markdown</c>, or Telegram's <c>markdownv2</c>.</summary>
    public static bool TryParse(string? format, out ChatTextFormat parsed)
    {
        switch (format?.ToLowerInvariant())
        {
            case null or "" or "text" or "plain":
                parsed = ChatTextFormat.Plain;
                return true;
            case "markdown" or "markdownv2" or "mrkdwn":
                parsed = ChatTextFormat.Markdown;
                return true;
            default:
                parsed = ChatTextFormat.Plain;
                return false;
        }
    }
}
