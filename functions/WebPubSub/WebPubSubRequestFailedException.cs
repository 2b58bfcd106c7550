namespace Serverless.Functions.WebPubSub;

public sealed class WebPubSubRequestFailedException : Exception
{
    public WebPubSubRequestFailedException()
    {
    }

    public WebPubSubRequestFailedException(string message)
        : base(message)
    {
    }

    public WebPubSubRequestFailedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public int Status { get; init; }
}
