using System.Diagnostics.CodeAnalysis;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Serverless.Functions.Events;
using Serverless.Functions.History;
using Serverless.Functions.Hooks;
using Serverless.Functions.Hosting;
using Serverless.Functions.Inbox;
using Serverless.Functions.Publishing;
using Serverless.Functions.Security;
using Serverless.Functions.Telemetry;
using Serverless.Functions.WebPubSub;

namespace Serverless.Functions.Relay;

/// <summary>The relay's own API: negotiate, backlog, ack, release and event lookup. Every call needs a relay token of the channel it names.</summary>
public static partial class RelayEndpoints
{
    private const int ReceiptsInFlight = 16;

    public static IEndpointRouteBuilder MapRelay(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/relay").WithMetadata(RequestBodyLimit.RelayApi).AddEndpointFilter(RequireRelayTokenAsync);
        group.MapPost("/negotiate", NegotiateAsync).WithName("relay-negotiate");
        group.MapPost("/backlog", BacklogAsync).WithName("relay-backlog");
        group.MapPost("/ack", AckAsync).WithName("relay-ack");
        group.MapPost("/release", ReleaseAsync).WithName("relay-release");
        group.MapGet("/events/{id}", GetEventAsync).WithName("relay-event");
        return endpoints;
    }

    /// <summary>The channel a route names in <c>?channel=</c>; false with the 400 that says what is wrong with it.</summary>
    internal static bool TryQueryChannel(HttpRequest request, out string channel, [NotNullWhen(false)] out ProblemHttpResult? problem)
    {
        channel = request.Query["channel"].ToString();
        problem = ChannelName.IsValid(channel)
            ? null
            : TypedResults.Problem($"Invalid or missing ?channel=: {ChannelName.Rule}.", statusCode: StatusCodes.Status400BadRequest);
        return problem is null;
    }

    /// <summary>
    /// The relay token check shared by every relay route: 401 without an accepted token, 403 when the
    /// token is not bound to the channel the request names (in its body or in <c>?channel=</c>).
    /// </summary>
    public static async ValueTask<object?> RequireRelayTokenAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        var http = context.HttpContext;
        var caller = http.RequestServices.GetRequiredService<RelayAuthenticator>()
            .Authenticate(BearerToken.FromRequest(http.Request, allowQueryCode: false));
        var logger = http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(RelayEndpoints));
        if (caller is null)
        {
            LogUnauthorized(logger, http.Request.Path);
            return TypedResults.Problem("The relay token is missing or not accepted (send Authorization: Bearer <RELAY_TOKEN>).", statusCode: StatusCodes.Status401Unauthorized);
        }

        var channel = context.Arguments.OfType<IChannelScoped>().FirstOrDefault()?.Channel ?? http.Request.Query["channel"].ToString();
        // An invalid or missing channel is the handler's 400; a valid one must be this token's.
        if (ChannelName.IsValid(channel) && !caller.MayUse(channel))
        {
            LogForbidden(logger, http.Request.Path, channel);
            return TypedResults.Problem($"This relay token is not allowed on channel '{channel}'.", statusCode: StatusCodes.Status403Forbidden);
        }

        return await next(context);
    }

    private static async Task<Results<Ok<NegotiateResponse>, ProblemHttpResult>> NegotiateAsync(
        HttpRequest request,
        IWebPubSubService webPubSub,
        DeploymentMode mode,
        IOptions<RelayOptions> options,
        TimeProvider timeProvider,
        CancellationToken cancellationToken)
    {
        if (!TryQueryChannel(request, out var channel, out var problem))
        {
            return problem;
        }

        var lifetime = options.Value.ClientAccessLifetime;
        // The embedded endpoint is this app, reached at whatever address the relay used.
        var clientEndpoint = mode.EmbeddedWebPubSub ? new Uri($"{request.Scheme}://{request.Host}") : null;
        var url = await webPubSub.GetClientAccessUriAsync($"relay-{channel}", [channel], lifetime, clientEndpoint, cancellationToken);
        return TypedResults.Ok(new NegotiateResponse(url, channel, timeProvider.GetUtcNow().Add(lifetime)));
    }

    private static async Task<Results<Ok<BacklogResponse>, ProblemHttpResult>> BacklogAsync(
        BacklogRequest body, IEventInbox inbox, EventHistory history, CancellationToken cancellationToken)
    {
        if (!ChannelName.IsValid(body.Channel))
        {
            return TypedResults.Problem($"Invalid or missing channel: {ChannelName.Rule}.", statusCode: StatusCodes.Status400BadRequest);
        }

        var max = Math.Clamp(body.Max ?? RelayApiDefaults.BacklogBatch, 1, RelayApiDefaults.MaxBacklogBatch);
        var visibility = TimeSpan.FromSeconds(Math.Clamp(body.VisibilitySeconds ?? RelayApiDefaults.VisibilitySeconds, 1, RelayApiDefaults.MaxVisibilitySeconds));
        var batch = await inbox.ReceiveAsync(body.Channel!, max, visibility, cancellationToken);
        foreach (var item in batch.Items)
        {
            history.Record(body.Channel!, item.Event.Id, EventStep.Taken);
        }

        foreach (var dead in batch.DeadLettered)
        {
            history.Record(body.Channel!, dead.Id, EventStep.DeadLettered, $"taken {dead.Attempts} times without an acknowledgement; moved to {dead.Queue}");
        }

        return TypedResults.Ok(new BacklogResponse(
            [.. batch.Items.Select(i => new RelayMessage("event", i.Event, i.Receipt))],
            batch.DeadLettered));
    }

    private static Task<Results<Ok<AckResponse>, ProblemHttpResult>> AckAsync(
        AckRequest body, IEventInbox inbox, EventHistory history, CancellationToken cancellationToken) =>
        ForEachReceiptAsync(body, inbox.AcknowledgeAsync, history, EventStep.Acknowledged, cancellationToken);

    /// <summary>Events the relay took but could not show: visible again now rather than after their visibility timeout.</summary>
    private static Task<Results<Ok<AckResponse>, ProblemHttpResult>> ReleaseAsync(
        AckRequest body, IEventInbox inbox, EventHistory history, CancellationToken cancellationToken) =>
        ForEachReceiptAsync(body with { Deliveries = null }, inbox.ReleaseAsync, history, EventStep.Released, cancellationToken);

    private static async Task<Results<Ok<AckResponse>, ProblemHttpResult>> ForEachReceiptAsync(
        AckRequest body,
        Func<string, string, CancellationToken, Task<bool>> apply,
        EventHistory history,
        EventStep step,
        CancellationToken cancellationToken)
    {
        if (!ChannelName.IsValid(body.Channel))
        {
            return TypedResults.Problem($"Invalid or missing channel: {ChannelName.Rule}.", statusCode: StatusCodes.Status400BadRequest);
        }

        if (body.Receipts is not { Count: > 0 and <= RelayApiDefaults.MaxReceiptsPerCall } receipts || receipts.Any(string.IsNullOrEmpty))
        {
            return TypedResults.Problem($"receipts must hold 1 to {RelayApiDefaults.MaxReceiptsPerCall} non-empty receipts.", statusCode: StatusCodes.Status400BadRequest);
        }

        if (body.Deliveries is { } deliveries && deliveries.Count != receipts.Count)
        {
            return TypedResults.Problem("deliveries, when sent, must hold one entry (or null) per receipt, in the same order.", statusCode: StatusCodes.Status400BadRequest);
        }

        // Each receipt is one storage call (Delete or Update Message): a batch goes several at a time, so
        // 500 receipts cost a few round trips of time, not 500.
        var applied = 0;
        await Parallel.ForEachAsync(
            Enumerable.Range(0, receipts.Count),
            new ParallelOptions { MaxDegreeOfParallelism = ReceiptsInFlight, CancellationToken = cancellationToken },
            async (index, token) =>
            {
                var receipt = receipts[index];
                var delivery = body.Deliveries?[index];
                // The receipt names its event: the history learns of it without a read of the message.
                var eventId = InboxReceipt.EventIdOf(receipt);
                using var span = eventId is not null && step == EventStep.Acknowledged ? EventTelemetry.StartAcknowledge(eventId, delivery?.TraceParent) : null;
                var done = await apply(body.Channel!, receipt, token);
                if (done)
                {
                    Interlocked.Increment(ref applied);
                }

                if (eventId is not null && ReceiptNote(body.Channel!, eventId, delivery, done ? step : null, history.Clock.GetUtcNow()) is { } note)
                {
                    history.Record(note);
                }
            });

        return TypedResults.Ok(new AckResponse(applied, receipts.Count - applied));
    }

    /// <summary>
    /// The steps one receipt tells of: the relay's take (of a doorbell) and show, which happened whether or not the
    /// receipt was still current, and the acknowledgement or release when it was.
    /// </summary>
    private static HistoryNote? ReceiptNote(string channel, string eventId, ReceiptDelivery? delivery, EventStep? step, DateTimeOffset now)
    {
        var steps = new List<StepTime>(3);
        if (delivery?.TakenAt is { } takenAt)
        {
            steps.Add(new StepTime(EventStep.Taken, takenAt));
        }

        if (delivery?.ShownAt is { } shownAt)
        {
            steps.Add(new StepTime(EventStep.Shown, shownAt));
        }

        if (step is { } done)
        {
            steps.Add(new StepTime(done, now));
        }

        return steps.Count == 0 ? null : new HistoryNote(channel, eventId, steps);
    }

    private static async Task<Results<Ok<ChannelEvent>, ProblemHttpResult>> GetEventAsync(
        string id, HttpRequest request, IEventInbox inbox, CancellationToken cancellationToken)
    {
        if (!TryQueryChannel(request, out var channel, out var problem))
        {
            return problem;
        }

        if (!ChannelEvent.IsValidId(id))
        {
            return TypedResults.Problem("Invalid event id.", statusCode: StatusCodes.Status400BadRequest);
        }

        var stored = await inbox.GetPayloadAsync(channel, id, cancellationToken);
        return stored is null
            ? TypedResults.Problem($"No stored payload for event {id} on channel {channel}.", statusCode: StatusCodes.Status404NotFound)
            : TypedResults.Ok(stored);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused a relay call to {Path}: the token is not allowed on channel '{Channel}'")]
    private static partial void LogForbidden(ILogger logger, string path, string channel);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused a relay call to {Path}: missing or unknown relay token")]
    private static partial void LogUnauthorized(ILogger logger, string path);
}
