using System.Collections.Frozen;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Serverless.Functions.Events;
using Serverless.Functions.History;
using Serverless.Functions.Sources;
using Serverless.Functions.Sources.Dedupe;
using Serverless.Functions.Sources.Filters;

namespace Serverless.Functions.Hooks;

/// <summary>One webhook delivery: verify, normalise, drop a redelivery, store, publish.</summary>
public sealed partial class WebhookReceiver(
    IEnumerable<IWebhookSource> sources,
    IOptionsMonitor<SourceOptions> sourceOptions,
    IOptions<IngressOptions> ingressOptions,
    IOptions<Dictionary<string, ChannelFilter>> filters,
    IDeliveryLog deliveries,
    TimeProvider timeProvider,
    EventIngress ingress,
    EventHistory history,
    HookProblems problems,
    ILogger<WebhookReceiver> logger)
{
    private readonly FrozenDictionary<string, IWebhookSource> _sources = sources.ToFrozenDictionary(s => s.Name, StringComparer.Ordinal);

    public async Task<Results<Accepted<AcceptedBody>, Ok<IgnoredBody>, ProblemHttpResult>> ReceiveAsync(
        string source, string channel, HttpRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!ChannelName.IsValid(channel))
        {
            return HookProblems.InvalidChannel(channel);
        }

        if (!_sources.TryGetValue(source, out var adapter))
        {
            return problems.UnknownSource(source);
        }

        var limit = ingressOptions.Value.MaxBodyBytes;
        var body = await BoundedBody.ReadAsync(request, limit, cancellationToken);
        if (body is null)
        {
            history.Refuse(channel, source, RefusalReason.TooLarge);
            return HookProblems.TooLarge(limit);
        }

        var delivery = new WebhookDelivery(source, channel, body, request.ContentType, request.Headers, request.Query);
        var secret = sourceOptions.Get(source).Secret;
        if (string.IsNullOrEmpty(secret) || !adapter.Verify(delivery, secret, timeProvider.GetUtcNow()))
        {
            var refusal = string.IsNullOrEmpty(secret) ? CredentialRefusal.NoSecret
                : adapter.Credential.IsPresentIn(delivery) ? CredentialRefusal.Mismatch
                : CredentialRefusal.Missing;
            history.Refuse(channel, source, RefusalReason.BadSignature);
            LogRejected(source, channel, refusal switch
            {
                CredentialRefusal.NoSecret => "no secret is configured for this source",
                CredentialRefusal.Missing => "the request has no credential",
                _ => "the credential does not match",
            });
            return problems.Unauthorized(source, refusal);
        }

        switch (adapter.Normalize(delivery))
        {
            case SourceOutcome.Invalid invalid:
                history.Refuse(channel, source, RefusalReason.Invalid);
                return HookProblems.Unreadable(invalid.Reason);
            case SourceOutcome.Ignored ignored:
                return TypedResults.Ok(new IgnoredBody(DeliveryOutcome.Ignored, ignored.Reason));
            case SourceOutcome.Accepted accepted:
                var draft = accepted.Draft;
                if (filters.Value.GetValueOrDefault(channel)?.Reject(source, draft) is { } reason)
                {
                    history.Refuse(channel, source, RefusalReason.Filtered);
                    return TypedResults.Ok(new IgnoredBody(DeliveryOutcome.Filtered, reason));
                }

                // A storage failure is a 503 (ServiceFailureFilter): nothing was accepted and the sender retries.
                var keys = DedupeKeys(draft);
                foreach (var (key, _) in keys)
                {
                    if (await deliveries.SeenAsync(source, channel, key, cancellationToken))
                    {
                        return TypedResults.Ok(new IgnoredBody(DeliveryOutcome.Duplicate, "this delivery was already accepted"));
                    }
                }

                var stored = await ingress.AcceptAsync(source, channel, draft, cancellationToken);
                foreach (var (key, retention) in keys)
                {
                    await RecordAsync(source, channel, key, retention, cancellationToken);
                }

                return TypedResults.Accepted((string?)null, new AcceptedBody(stored.Id));

            default:
                throw new InvalidOperationException("Unknown source outcome.");
        }
    }

    // A provider's own delivery id, and a signed body, are remembered for a day; a body hash of a provider that
    // signs nothing only long enough to catch retries, so an identical repeat notification later on still gets through.
    private static List<(string Key, TimeSpan Retention)> DedupeKeys(EventDraft draft)
    {
        var keys = new List<(string, TimeSpan)>(2);
        if (draft.DeliveryId is { } deliveryId)
        {
            keys.Add((deliveryId, TimeSpan.FromDays(1)));
        }
        else if (draft.ContentKey is { } contentKey)
        {
            keys.Add((contentKey, TimeSpan.FromMinutes(10)));
        }

        if (draft.SignedBodyKey is { } bodyKey)
        {
            // Its own prefix, so no delivery id a sender picks can stand for a body.
            keys.Add(("signed-body:" + bodyKey, TimeSpan.FromDays(1)));
        }

        return keys;
    }

    private async Task RecordAsync(string source, string channel, string key, TimeSpan retention, CancellationToken cancellationToken)
    {
        try
        {
            await deliveries.RecordAsync(source, channel, key, retention, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The event is stored; a redelivery would be stored again under the same event id and skipped by the relay.
            LogRecordFailed(ex, source, channel);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Rejected a {Source} webhook for channel {Channel}: {Reason}")]
    private partial void LogRejected(string source, string channel, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A {Source} delivery for channel {Channel} is stored but could not be remembered for deduplication")]
    private partial void LogRecordFailed(Exception exception, string source, string channel);
}
