using Serverless.Functions.Inbox;
using Serverless.Functions.Telegram;

namespace Serverless.Functions.Hosting;

/// <summary>
/// The one place a failing backing service becomes an answer, for every route: storage (the inbox, the
/// delivery log, the Telegram table) is a 503 and the Telegram Bot API a 502, as problem details with a
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
        InboxUnavailableException or Azure.RequestFailedException =>
            (StatusCodes.Status503ServiceUnavailable, "Storage is unavailable, so nothing was stored or changed; retry later."),
        TelegramApiException telegram =>
            (StatusCodes.Status502BadGateway, $"Telegram refused the call: {telegram.Message}"),
        HttpRequestException http =>
            (StatusCodes.Status502BadGateway, $"Telegram could not be reached: {http.Message}"),
        TaskCanceledException when !requestAborted.IsCancellationRequested =>
            (StatusCodes.Status502BadGateway, "Telegram did not answer in time; retry later."),
        _ => null,
    };

    [LoggerMessage(Level = LogLevel.Error, Message = "A backing service failed during {Path}; answered {Status}")]
    private partial void LogFailed(Exception exception, string path, int status);
}
