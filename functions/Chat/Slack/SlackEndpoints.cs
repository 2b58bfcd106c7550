using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using Serverless.Functions.Chat;
using Serverless.Functions.Hooks;
using Serverless.Functions.Sources.Dedupe;

namespace Serverless.Functions.Chat.Slack;

/// <summary>
/// <c>POST /api/slack/events</c> (the Events API) and <c>POST /api/slack/interactivity</c> (button presses):
/// each request's signature checked first, each event handled once however often Slack retries it, and the
/// answer given without waiting on the Web API (<see cref="SlackOutbox"/>), inside Slack's 3 seconds.
/// </summary>
public static partial class SlackEndpoints
{
    // Slack's event and interaction payloads are a few kilobytes; a message's text at most 40,000 characters.
    private const int MaxBodyBytes = 1024 * 1024;

    private static readonly object SignedBodyKey = new();

    public static IEndpointRouteBuilder MapSlack(this IEndpointRouteBuilder endpoints)
    {
        var slack = endpoints.MapGroup("/slack").AddEndpointFilter(RequireSignatureAsync);
        slack.MapPost("/events", EventsAsync).WithName("slack-events");
        slack.MapPost("/interactivity", InteractivityAsync).WithName("slack-interactivity");
        return endpoints;
    }

    /// <summary>
    /// Every Slack route: 404 while Slack is off, 413 for a body over the limit, 401 unless Slack signed the raw
    /// body within five minutes; the checked body is kept for the route (<see cref="SignedBody"/>).
    /// </summary>
    private static async ValueTask<object?> RequireSignatureAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var options = http.RequestServices.GetRequiredService<IOptions<SlackOptions>>().Value;
        if (!options.Enabled)
        {
            return TypedResults.Problem("Slack is not configured (Slack:SigningSecret and Slack:BotToken).", statusCode: StatusCodes.Status404NotFound);
        }

        var body = await BoundedBody.ReadAsync(http.Request, MaxBodyBytes, http.RequestAborted);
        if (body is null)
        {
            return TypedResults.Problem("The request is too large.", statusCode: StatusCodes.Status413PayloadTooLarge);
        }

        var check = SlackSignature.Check(
            http.Request.Headers[SlackSignature.SignatureHeader].ToString(), http.Request.Headers[SlackSignature.TimestampHeader].ToString(),
            body, options.SigningSecret!, http.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow());
        if (check != SlackSignatureCheck.Valid)
        {
            LogBadSignature(http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(SlackEndpoints)), check);
            return TypedResults.Problem(
                check == SlackSignatureCheck.Stale
                    ? "The request's X-Slack-Request-Timestamp is more than five minutes from now."
                    : "The request's X-Slack-Signature is missing or does not match Slack:SigningSecret.",
                statusCode: StatusCodes.Status401Unauthorized);
        }

        http.Items[SignedBodyKey] = body;
        return await next(context);
    }

    private static byte[] SignedBody(HttpRequest request) => (byte[])request.HttpContext.Items[SignedBodyKey]!;

    private static async Task<Results<Ok<IgnoredBody>, ContentHttpResult, ProblemHttpResult>> EventsAsync(
        HttpRequest request,
        IDeliveryLog deliveries,
        SlackBotUser botUser,
        SlackChatTransport transport,
        ChatConversation conversation,
        ILoggerFactory loggerFactory,
        CancellationToken cancellationToken)
    {
        var logger = loggerFactory.CreateLogger(typeof(SlackEndpoints));
        if (Sources.Json.Parse(SignedBody(request)) is not JsonObject envelope)
        {
            return TypedResults.Problem("The body is not a Slack event.", statusCode: StatusCodes.Status400BadRequest);
        }

        switch (Sources.Json.Text(envelope, "type"))
        {
            case "url_verification":
                // Slack checks the Request URL once with a challenge it wants back as it is.
                return TypedResults.Text(Sources.Json.Text(envelope, "challenge") ?? string.Empty, "text/plain");
            case "event_callback":
                break;
            default:
                return TypedResults.Ok(new IgnoredBody(DeliveryOutcome.Ignored, $"not an event ({Sources.Json.Text(envelope, "type")})"));
        }

        if (Sources.Json.Text(envelope, "event_id") is not { Length: > 0 } eventId)
        {
            return TypedResults.Problem("The event has no event_id.", statusCode: StatusCodes.Status400BadRequest);
        }

        if (request.Headers.TryGetValue("X-Slack-Retry-Num", out var retry))
        {
            var (attempt, reason) = (retry.ToString(), request.Headers["X-Slack-Retry-Reason"].ToString());
            LogRetry(logger, eventId, attempt, reason);
        }

        // A storage failure is a 503 (ServiceFailureFilter) and Slack retries the event, so nothing is lost.
        if (await deliveries.SeenAsync(SlackChatTransport.TransportName, "events", eventId, cancellationToken))
        {
            return TypedResults.Ok(new IgnoredBody(DeliveryOutcome.Duplicate, $"event {eventId} was already handled"));
        }

        var read = SlackInbound.ReadEvent(envelope, await botUser.IdAsync(SlackInbound.BotUserIdOf(envelope), cancellationToken));
        var outcome = read.Message is { } message
            ? await SlackOutbox.DeferringAsync(() => conversation.HandleMessageAsync(transport, message, cancellationToken))
            : $"ignored: {read.IgnoredBecause}";
        await deliveries.RecordAsync(SlackChatTransport.TransportName, "events", eventId, TimeSpan.FromDays(1), cancellationToken);
        return TypedResults.Ok(new IgnoredBody(DeliveryOutcome.Handled, outcome));
    }

    private static async Task<Results<Ok, ProblemHttpResult>> InteractivityAsync(
        HttpRequest request,
        IOptions<SlackOptions> options,
        SlackChatTransport transport,
        ChatConversation conversation,
        SlackWebApi api,
        SlackOutbox outbox,
        ILoggerFactory loggerFactory,
        CancellationToken cancellationToken)
    {
        // The body is application/x-www-form-urlencoded with one field, payload, holding the JSON.
        var form = QueryHelpers.ParseQuery(Encoding.UTF8.GetString(SignedBody(request)));
        if (!form.TryGetValue("payload", out var payloadText) || Sources.Json.Parse(Encoding.UTF8.GetBytes(payloadText.ToString())) is not JsonObject payload)
        {
            return TypedResults.Problem("The body has no Slack interaction payload.", statusCode: StatusCodes.Status400BadRequest);
        }

        if (SlackInbound.ReadInteraction(payload) is not { } pressed)
        {
            return TypedResults.Ok();
        }

        var answer = await SlackOutbox.DeferringAsync(() => conversation.HandleButtonAsync(transport, pressed.Press, cancellationToken));
        if (pressed.ResponseUrl is { } responseUrl && SlackWebApi.IsResponseUrl(responseUrl, options.Value.ApiBaseUrl))
        {
            // Only the presser sees it, and the message with its buttons stays as it is (or as the answer edited it).
            var ephemeral = new JsonObject { ["response_type"] = "ephemeral", ["replace_original"] = false, ["text"] = answer.Text };
            outbox.Enqueue("response_url", ct => api.RespondAsync(responseUrl, ephemeral, ct));
        }
        else
        {
            LogNoResponseUrl(loggerFactory.CreateLogger(typeof(SlackEndpoints)));
        }

        return TypedResults.Ok();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused a Slack request: signature {Check}")]
    private static partial void LogBadSignature(ILogger logger, SlackSignatureCheck check);

    [LoggerMessage(Level = LogLevel.Information, Message = "Slack retried event {EventId} (attempt {Retry}, {Reason})")]
    private static partial void LogRetry(ILogger logger, string eventId, string retry, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A Slack button press had no response_url on Slack's hooks host; the presser is not answered")]
    private static partial void LogNoResponseUrl(ILogger logger);
}
