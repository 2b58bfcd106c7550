using System.Net;

namespace Serverless.Relay.Connection;

/// <summary>A relay API call failed; the message is written for the person reading stderr.</summary>
public sealed class RelayApiException : Exception
{
    public RelayApiException()
    {
    }

    public RelayApiException(string message)
        : base(message)
    {
    }

    public RelayApiException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public HttpStatusCode? Status { get; init; }
}
