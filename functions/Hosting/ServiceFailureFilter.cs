using Serverless.Functions.Inbox;
using Serverless.Functions.Chat.Telegram;

namespace Serverless.Functions.Hosting;

/// <summary>
/// The one place a failing backing service becomes an answer, for every route: storage (the inbox, the
/// delivery log, the Telegram table) or Web PubSub is a 503, the Telegram Bot API a 502, as problem details with a
/// message the caller can act on, never a 500. A webhook sender or Telegram retries; the relay shows the
/// message to Claude, who can try again. Anything else is a bug and stays a 500.
/// </summary>
public sealed partial class ServiceFailureFilter(ILogger<ServiceFailureFilter> logger) : IEndpointFilter
{
    /// <summary>When to try again after a 503: soon, as storage outages and a full local inbox are usually short.</summary>
    private const string RetryAfterSeconds = "5";

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        try
        {
            return await next(context);
        }
        catch (Exception ex) when (Answer(ex, context.HttpContext.RequestAborted) is { } answer)
        {
            LogFailed(ex, context.HttpContext.Request.Path, answer.Status);
            if (answer.Status == StatusCodes.Status503ServiceUnavailable)
            {
                context.HttpContext.Response.Headers.RetryAfter = RetryAfterSeconds;
            }

            return TypedResults.Problem(answer.Detail, statusCode: answer.Status);
        }
    }

    private static (int Status, string Detail)? Answer(Exception exception, CancellationToken requestAborted) => exception switch
    {
        InboxFullException full =>
            (StatusCodes.Status503ServiceUnavailable, full.Message),
        InboxUnavailableException or Azure.RequestFailedException or WebPubSub.WebPubSubRequestFailedException =>
            (StatusCodes.Status503ServiceUnavailable, Unavailable),
        // Azure.Core gives up after its retries with every attempt's failure inside one AggregateException.
        AggregateException aggregate when aggregate.InnerExceptions.All(e => e is Azure.RequestFailedException or HttpRequestException or TaskCanceledException) =>
            (StatusCodes.Status503ServiceUnavailable, Unavailable),
        TelegramApiException telegram =>
            (StatusCodes.Status502BadGateway, $"Telegram refused the call: {telegram.Message}"),
        HttpRequestException http =>
            (StatusCodes.Status502BadGateway, $"A service this app calls could not be reached: {http.Message}"),
        TaskCanceledException when !requestAborted.IsCancellationRequested =>
            (StatusCodes.Status502BadGateway, "A service this app calls did not answer in time; retry later."),
        _ => null,
    };

    private const string Unavailable = "Storage or Web PubSub is unavailable, so nothing was stored or changed; retry later.";

    [LoggerMessage(Level = LogLevel.Error, Message = "A backing service failed during {Path}; answered {Status}")]
    private partial void LogFailed(Exception exception, string path, int status);
}
