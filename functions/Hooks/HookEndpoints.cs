using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Serverless.Functions.Events;
using Serverless.Functions.Inbox;
using Serverless.Functions.Sources;

namespace Serverless.Functions.Hooks;

/// <summary><c>POST /api/hooks/{source}/{channel}</c>: verify, normalise, store, publish.</summary>
public static partial class HookEndpoints
{
    public static IEndpointRouteBuilder MapHooks(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost("/api/hooks/{source}/{channel}", ReceiveAsync).WithName("hooks");
        return endpoints;
    }

    private static async Task<Results<Accepted<AcceptedBody>, Ok<IgnoredBody>, BadRequest<ErrorBody>, UnauthorizedHttpResult, NotFound<ErrorBody>, JsonHttpResult<ErrorBody>>> ReceiveAsync(
        string source,
        string channel,
        HttpRequest request,
        IEnumerable<IWebhookSource> sources,
        IOptionsMonitor<SourceOptions> sourceOptions,
        IOptions<IngressOptions> ingressOptions,
        EventIngress ingress,
        ILoggerFactory loggerFactory,
        CancellationToken cancellationToken)
    {
        var logger = loggerFactory.CreateLogger(typeof(HookEndpoints));
        if (!ChannelName.IsValid(channel))
        {
            return TypedResults.BadRequest(new ErrorBody($"Invalid channel '{Clip(channel)}': {ChannelName.Rule}."));
        }

        var adapter = sources.FirstOrDefault(s => string.Equals(s.Name, source, StringComparison.Ordinal));
        if (adapter is null)
        {
            return TypedResults.NotFound(new ErrorBody($"Unknown source '{Clip(source)}'."));
        }

        var limit = ingressOptions.Value.MaxBodyBytes;
        if (request.ContentLength > limit)
        {
            return TooLarge(limit);
        }

        var body = await ReadBodyAsync(request, limit, cancellationToken);
        if (body is null)
        {
            return TooLarge(limit);
        }

        var delivery = new WebhookDelivery(source, channel, body, request.ContentType, request.Headers, request.Query);
        var secret = sourceOptions.Get(source).Secret;
        if (string.IsNullOrEmpty(secret) || !adapter.Verify(delivery, secret))
        {
            LogRejected(logger, source, channel, string.IsNullOrEmpty(secret) ? "no secret is configured for this source" : "the credential does not match");
            return TypedResults.Unauthorized();
        }

        switch (adapter.Normalize(delivery))
        {
            case SourceOutcome.Invalid invalid:
                return TypedResults.BadRequest(new ErrorBody(invalid.Reason));
            case SourceOutcome.Ignored ignored:
                return TypedResults.Ok(new IgnoredBody("ignored", ignored.Reason));
            case SourceOutcome.Accepted accepted:
                try
                {
                    var stored = await ingress.AcceptAsync(source, channel, accepted.Draft, cancellationToken);
                    return TypedResults.Accepted((string?)null, new AcceptedBody(stored.Id));
                }
                catch (InboxUnavailableException ex)
                {
                    LogStoreFailed(logger, ex, source, channel);
                    return TypedResults.Json(
                        new ErrorBody("The event could not be stored; nothing was accepted. Retry later."),
                        statusCode: StatusCodes.Status503ServiceUnavailable);
                }

            default:
                throw new InvalidOperationException("Unknown source outcome.");
        }
    }

    private static JsonHttpResult<ErrorBody> TooLarge(int limit) =>
        TypedResults.Json(new ErrorBody($"The body is larger than {limit} bytes."), statusCode: StatusCodes.Status413PayloadTooLarge);

    // Reads at most limit bytes; null when the body is larger (chunked bodies have no Content-Length).
    private static async Task<byte[]?> ReadBodyAsync(HttpRequest request, int limit, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > limit)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    private static string Clip(string value) => value.Length <= 40 ? value : value[..40] + "…";

    [LoggerMessage(Level = LogLevel.Warning, Message = "Rejected a {Source} webhook for channel {Channel}: {Reason}")]
    private static partial void LogRejected(ILogger logger, string source, string channel, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "A {Source} webhook for channel {Channel} could not be stored; answered 503")]
    private static partial void LogStoreFailed(ILogger logger, Exception exception, string source, string channel);
}
