namespace Serverless.Functions.Chat;

/// <summary>A chat service refused a call or could not be reached; the message is the service's description, never a token.</summary>
public class ChatApiException : Exception
{
    public ChatApiException()
    {
    }

    public ChatApiException(string message)
        : base(message)
    {
    }

    public ChatApiException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Only the text's formatting was refused: the same text as plain text will go.</summary>
    public bool IsFormatError { get; init; }
}
