using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Serverless.Functions.Events;
using Serverless.Functions.Hooks;
using Serverless.Functions.Hosting;
using Serverless.Functions.Inbox;
using Serverless.Functions.Publishing;
using Serverless.Functions.Relay;

namespace Serverless.Functions.History;

/// <summary>The history of a channel's events for the relay's <c>events</c> command and <c>list_events</c> tool; channel-scoped like every relay route.</summary>
public static class HistoryEndpoints
{
    private const int MaxRedrive = 500;

    public static IEndpointRouteBuilder MapHistory(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/relay").WithMetadata(RequestBodyLimit.RelayApi).AddEndpointFilter(RelayEndpoints.RequireRelayTokenAsync);
        group.MapGet("/history", ListAsync).WithName("relay-history");
        group.MapGet("/history/{id}", GetAsync).WithName("relay-history-event");
        group.MapPost("/redrive", RedriveAsync).WithName("relay-redrive");
        group.MapPost("/replay", ReplayAsync).WithName("relay-replay");
        return endpoints;
    }

    private static async Task<Results<Ok<EventHistoryResponse>, ProblemHttpResult>> ListAsync(
        HttpRequest request, IEventHistoryStore store, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        if (!RelayEndpoints.TryQueryChannel(request, out var channel, out var problem))
        {
            return problem;
        }

        var query = request.Query;

        EventStep? status = null;
        if (query["status"].ToString() is { Length: > 0 } statusText)
        {
            if (!TryParseStep(statusText, out var step))
            {
                return Problem($"Unknown status '{Clip(statusText)}': one of {string.Join(", ", Enum.GetValues<EventStep>().Select(StepName))}.");
            }

            status = step;
        }

        var source = query["source"].ToString() is { Length: > 0 } s ? s : null;
        if (source is not null && (source.Length > 40 || !source.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-')))
        {
            return Problem("source must be a source name such as github or generic: 1 to 40 characters of a-z, 0-9 and '-'.");
        }

        DateTimeOffset? since = null;
        if (query["since"].ToString() is { Length: > 0 } sinceText)
        {
            if (!HistorySince.TryParse(sinceText, timeProvider.GetUtcNow(), out var at))
            {
                return Problem($"{HistorySince.Rule}.");
            }

            since = at;
        }

        var limit = HistoryQuery.DefaultLimit;
        if (query["limit"].ToString() is { Length: > 0 } limitText
            && (!int.TryParse(limitText, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit is < 1 or > HistoryQuery.MaxLimit))
        {
            return Problem($"limit must be a number from 1 to {HistoryQuery.MaxLimit}.");
        }

        var events = await store.ListAsync(channel, new HistoryQuery(status, source, since, limit), cancellationToken);
        var refused = await store.RefusalsAsync(channel, cancellationToken);
        return TypedResults.Ok(new EventHistoryResponse(
            channel,
            [.. events.Select(ToRecord)],
            [.. refused.Select(r => new RefusedDeliveries(r.Source, ReasonName(r.Reason), r.Count, r.LastAt))]));
    }

    private static async Task<Results<Ok<EventHistoryRecord>, ProblemHttpResult>> GetAsync(
        string id, HttpRequest request, IEventHistoryStore store, CancellationToken cancellationToken)
    {
        if (!RelayEndpoints.TryQueryChannel(request, out var channel, out var problem))
        {
            return problem;
        }

        if (!ChannelEvent.IsValidId(id))
        {
            return Problem("Invalid event id: 1 to 64 letters and digits.");
        }

        return await store.GetAsync(channel, id, cancellationToken) is { } entry
            ? TypedResults.Ok(ToRecord(entry))
            : TypedResults.Problem($"Channel {channel} has no history of event {id} (unknown, or older than the retention).", statusCode: StatusCodes.Status404NotFound);
    }

    /// <summary>
    /// Moves the channel's dead-lettered events back into its queue and rings the relay for each: each arrives
    /// once more, under its own id (a relay that already showed one skips it).
    /// </summary>
    private static async Task<Results<Ok<RedriveResponse>, ProblemHttpResult>> RedriveAsync(
        RedriveRequest body, IDeadLetterInbox deadLetters, IEventPublisher publisher, EventHistory history, CancellationToken cancellationToken)
    {
        if (!ChannelName.IsValid(body.Channel))
        {
            return Problem($"Invalid or missing channel: {ChannelName.Rule}.");
        }

        if (body.Max is < 1 or > MaxRedrive)
        {
            return Problem($"max must be a number from 1 to {MaxRedrive}.");
        }

        var items = await deadLetters.RedriveAsync(body.Channel!, body.Max ?? MaxRedrive, cancellationToken);
        foreach (var item in items)
        {
            history.Record(body.Channel!, item.Event.Id, EventStep.Stored, "redriven from the dead-letter queue");
            try
            {
                await publisher.PublishAsync(item.Event, item.Receipt, cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // Stored again: a missed doorbell only waits for the relay's next backlog poll.
            }
        }

        return TypedResults.Ok(new RedriveResponse(items.Count, [.. items.Select(i => i.Event.Id)]));
    }

    /// <summary>
    /// Sends an event of the channel's history again as a new event whose <c>replayof</c> names it: the relay
    /// shows it once more. Needs the envelope the history kept, so only within the retention. Never a decision
    /// (<see cref="DecisionEvents"/>): 409.
    /// </summary>
    private static async Task<Results<Ok<ReplayResponse>, ProblemHttpResult>> ReplayAsync(
        ReplayRequest body, IEventHistoryStore store, EventIngress ingress, CancellationToken cancellationToken)
    {
        if (!ChannelName.IsValid(body.Channel))
        {
            return Problem($"Invalid or missing channel: {ChannelName.Rule}.");
        }

        if (!ChannelEvent.IsValidId(body.Id))
        {
            return Problem("Invalid or missing id: the event id, 1 to 64 letters and digits.");
        }

        if (await store.GetEnvelopeAsync(body.Channel!, body.Id!, cancellationToken) is not { } original)
        {
            return TypedResults.Problem(
                $"Channel {body.Channel} has no event {body.Id} to replay: it is unknown, or its envelope is gone (kept for History:RetentionDays).",
                statusCode: StatusCodes.Status404NotFound);
        }

        if (DecisionEvents.Classify(original.Kind, original.Trust, original.EventType) is { } decision)
        {
            // A decision is taken once, by the person who made it: sending it again would answer a request (or a
            // question) nobody answered again, e.g. allow a later tool use with an old "allow".
            return TypedResults.Problem(
                $"Event {original.Id} is {(decision == DecisionKind.Permission ? "a permission answer" : "an ask_user answer")} from a chat; decisions are never replayed (ask again instead).",
                statusCode: StatusCodes.Status409Conflict);
        }

        var replay = await ingress.ReplayAsync(original, cancellationToken);
        return TypedResults.Ok(new ReplayResponse(replay.Id, original.Id));
    }

    public static EventHistoryRecord ToRecord(EventHistoryEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return new(
            entry.EventId, entry.Kind, entry.Type, entry.Summary, entry.Status, [.. entry.Steps.Select(s => new EventHistoryStep(s.Step, s.At, s.Detail))], entry.Meta);
    }

    private static bool TryParseStep(string text, out EventStep step)
    {
        foreach (var candidate in Enum.GetValues<EventStep>())
        {
            if (string.Equals(StepName(candidate), text, StringComparison.OrdinalIgnoreCase)
                || string.Equals(candidate.ToString(), text, StringComparison.OrdinalIgnoreCase))
            {
                step = candidate;
                return true;
            }
        }

        step = default;
        return false;
    }

    private static string StepName(EventStep step) => step == EventStep.DeadLettered ? "dead_lettered" : step.ToString().ToLowerInvariant();

    private static string ReasonName(RefusalReason reason) => reason switch
    {
        RefusalReason.BadSignature => "bad_signature",
        RefusalReason.TooLarge => "too_large",
        RefusalReason.Filtered => "filtered",
        _ => "invalid",
    };

    private static ProblemHttpResult Problem(string detail) => TypedResults.Problem(detail, statusCode: StatusCodes.Status400BadRequest);

    private static string Clip(string value) => value.Length <= 40 ? value : value[..40] + "…";
}
