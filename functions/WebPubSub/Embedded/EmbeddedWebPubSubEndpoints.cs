using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Extensions;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Serverless.Functions.Hosting;
using Serverless.Functions.Security;

namespace Serverless.Functions.WebPubSub.Embedded;

/// <summary>
/// The Web PubSub endpoints of the local default: the client WebSocket endpoint and the REST
/// send-to-group call, each checking its JWT the way the service does.
/// </summary>
public static class EmbeddedWebPubSubEndpoints
{
    public const string ReliableJsonProtocol = "json.reliable.webpubsub.azure.v1";
    public const string JsonProtocol = "json.webpubsub.azure.v1";
    private const int MaxSendBytes = 1024 * 1024;

    public static IEndpointRouteBuilder MapEmbeddedWebPubSub(this IEndpointRouteBuilder endpoints)
    {
        endpoints.Map("/client/hubs/{hub}", ConnectAsync)
            .WithMetadata(LocalOnlyEndpoint.Instance)
            .WithName("EmbeddedWebPubSubClient");
        endpoints.MapPost("/api/hubs/{hub}/groups/{group}/:send", SendToGroupAsync)
            .WithMetadata(LocalOnlyEndpoint.Instance)
            .WithName("EmbeddedWebPubSubSendToGroup");
        return endpoints;
    }

    private static async Task ConnectAsync(
        HttpContext context, string hub, EmbeddedWebPubSubHub pubsub, EmbeddedClientSession session, EmbeddedAccessKey key, TimeProvider timeProvider)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            await context.Response.WriteAsync("A WebSocket upgrade is required.", context.RequestAborted);
            return;
        }

        var requested = context.WebSockets.WebSocketRequestedProtocols;
        var (protocol, subprotocol) = requested.Contains(ReliableJsonProtocol) ? (ClientProtocol.JsonReliable, ReliableJsonProtocol)
            : requested.Contains(JsonProtocol) ? (ClientProtocol.Json, JsonProtocol)
            : (ClientProtocol.Raw, (string?)null);

        var query = context.Request.Query;
        EmbeddedConnection connection;
        if (query.TryGetValue("awps_connection_id", out var connectionId))
        {
            var resumed = pubsub.Resume(hub, connectionId.ToString(), query["awps_reconnection_token"].ToString());
            if (resumed is null)
            {
                // 1008 tells a reliable client that its session is gone and it must negotiate again.
                using var refused = await context.WebSockets.AcceptWebSocketAsync(subprotocol);
                await refused.CloseAsync(WebSocketCloseStatus.PolicyViolation, "The connection session no longer exists.", context.RequestAborted);
                return;
            }

            connection = resumed;
        }
        else
        {
            var token = query["access_token"].ToString();
            if (string.IsNullOrEmpty(token))
            {
                token = BearerToken.FromRequest(context.Request, allowQueryCode: false) ?? string.Empty;
            }

            var audience = $"{context.Request.Scheme}://{context.Request.Host}/client/hubs/{hub}";
            var validation = HmacJwt.Validate(token, key.Value, audience, timeProvider.GetUtcNow());
            if (!validation.IsValid)
            {
                context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                await context.Response.WriteAsync($"Unauthorized: {validation.Error}.", context.RequestAborted);
                return;
            }

            var claims = validation.Claims;
            connection = pubsub.Open(
                hub,
                (string?)claims["sub"],
                HmacJwt.GetStrings(claims, "webpubsub.group"),
                HmacJwt.GetStrings(claims, "role"),
                protocol);
        }

        using var socket = await context.WebSockets.AcceptWebSocketAsync(subprotocol);
        await session.RunAsync(socket, connection, context.RequestAborted);
    }

    private static async Task<Results<Accepted, UnauthorizedHttpResult, BadRequest<string>, StatusCodeHttpResult>> SendToGroupAsync(
        HttpContext context, string hub, string group, EmbeddedWebPubSubHub pubsub, EmbeddedAccessKey key, TimeProvider timeProvider)
    {
        var request = context.Request;
        var token = BearerToken.FromRequest(request, allowQueryCode: false);
        var url = request.GetEncodedUrl();
        var validation = HmacJwt.Validate(token, key.Value, url, timeProvider.GetUtcNow());
        if (!validation.IsValid)
        {
            return TypedResults.Unauthorized();
        }

        if (string.IsNullOrEmpty(request.Query["api-version"]))
        {
            return TypedResults.BadRequest("The api-version query parameter is required.");
        }

        if (request.ContentLength > MaxSendBytes)
        {
            return TypedResults.StatusCode(StatusCodes.Status413PayloadTooLarge);
        }

        using var body = new MemoryStream();
        await request.Body.CopyToAsync(body, context.RequestAborted);
        if (body.Length > MaxSendBytes)
        {
            return TypedResults.StatusCode(StatusCodes.Status413PayloadTooLarge);
        }

        var mediaType = request.ContentType?.Split(';')[0].Trim().ToLowerInvariant();
        string dataType;
        JsonNode? data;
        switch (mediaType)
        {
            case "application/json":
                dataType = "json";
                try
                {
                    data = Sources.Json.ParseStrict(body.ToArray());
                }
                catch (JsonException)
                {
                    return TypedResults.BadRequest("The body is not valid JSON.");
                }

                break;
            case "text/plain":
                dataType = "text";
                data = JsonValue.Create(Encoding.UTF8.GetString(body.ToArray()));
                break;
            case "application/octet-stream":
                dataType = "binary";
                data = JsonValue.Create(Convert.ToBase64String(body.ToArray()));
                break;
            default:
                return TypedResults.BadRequest("Content-Type must be application/json, text/plain or application/octet-stream.");
        }

        pubsub.SendToGroup(hub, group, dataType, data);
        return TypedResults.Accepted((string?)null);
    }
}
