namespace Serverless.Functions.Inbox;

/// <summary>The in-memory inbox is at its bound: nothing was stored, and the message says what to do.</summary>
public sealed class InboxFullException : InboxUnavailableException
{
    public InboxFullException()
    {
    }

    public InboxFullException(string message)
        : base(message)
    {
    }

    public InboxFullException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
