using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Serverless.Functions.Hooks;

/// <summary><c>POST /api/hooks/{source}/{channel}</c>: verify, normalise, store, publish.</summary>
public static class HookEndpoints
{
    public static IEndpointRouteBuilder MapHooks(this IEndpointRouteBuilder endpoints)
    {
        // One bound service rather than a dozen parameters: each one is resolved again on every request.
        endpoints.MapPost(
                "/hooks/{source}/{channel}",
                static (string source, string channel, HttpRequest request, WebhookReceiver receiver, CancellationToken cancellationToken) =>
                    receiver.ReceiveAsync(source, channel, request, cancellationToken))
            .WithName("hooks");
        return endpoints;
    }
}
