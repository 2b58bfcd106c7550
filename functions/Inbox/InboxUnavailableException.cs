namespace Serverless.Functions.Inbox;

/// <summary>The store could not take or give events; callers answer 503 and change nothing.</summary>
public class InboxUnavailableException : Exception
{
    public InboxUnavailableException()
    {
    }

    public InboxUnavailableException(string message)
        : base(message)
    {
    }

    public InboxUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
