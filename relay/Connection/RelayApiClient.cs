using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Serverless.Relay.Delivery;

namespace Serverless.Relay.Connection;

/// <summary>Calls the relay API over HTTPS with the relay token.</summary>
public sealed class RelayApiClient(HttpClient http, RelaySettings settings) : IRelayApi, IChatApi
{
    public async Task<Uri> NegotiateAsync(CancellationToken cancellationToken)
    {
        var path = $"api/relay/negotiate?channel={Uri.EscapeDataString(settings.Channel)}";
        var body = await PostAsync(path, new JsonObject(), "negotiate", cancellationToken).ConfigureAwait(false);
        var url = JsonRead.Text(body["url"]);
        if (url is null || !Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != "wss" && uri.Scheme != "ws"))
        {
            throw new RelayApiException($"{settings.Url} answered negotiate without a usable WebSocket url.");
        }

        // A function app reached over https hands out wss only: no downgrade of the channel's traffic.
        if (settings.Url.Scheme == Uri.UriSchemeHttps && uri.Scheme != "wss")
        {
            throw new RelayApiException($"{settings.Url} answered negotiate with an unencrypted WebSocket url; refusing it.");
        }

        return uri;
    }

    public async Task<BacklogBatch> ReceiveBacklogAsync(int max, CancellationToken cancellationToken)
    {
        var request = new JsonObject
        {
            ["channel"] = settings.Channel,
            ["max"] = max,
            ["visibilitySeconds"] = (int)settings.VisibilityTimeout.TotalSeconds,
        };
        var body = await PostAsync("api/relay/backlog", request, "backlog", cancellationToken).ConfigureAwait(false);
        IReadOnlyList<RelayEvent> events = body["events"] is JsonArray array
            ? [.. array.Select(RelayEvent.FromMessage).OfType<RelayEvent>()]
            : [];
        IReadOnlyList<DeadLetterNotice> deadLettered = body["deadLettered"] is JsonArray dead
            ? [.. dead.OfType<JsonObject>().Select(d => new DeadLetterNotice(
                JsonRead.Text(d["id"]) ?? "?", JsonRead.Text(d["kind"]) ?? "unknown", JsonRead.Number(d["attempts"]) ?? 0, JsonRead.Text(d["queue"]) ?? "?"))]
            : [];
        return new BacklogBatch(events, deadLettered);
    }

    public async Task<JsonObject?> GetEventAsync(string eventId, CancellationToken cancellationToken)
    {
        var path = $"api/relay/events/{Uri.EscapeDataString(eventId)}?channel={Uri.EscapeDataString(settings.Channel)}";
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(BaseUrl(), path));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", settings.Token);
        using var response = await SendAsync(request, "event lookup", cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        await EnsureSuccessAsync(response, "event lookup", cancellationToken).ConfigureAwait(false);
        return await ReadObjectAsync(response, "event lookup", cancellationToken).ConfigureAwait(false);
    }

    public Task AcknowledgeAsync(IReadOnlyList<string> receipts, CancellationToken cancellationToken) =>
        PostReceiptsAsync("api/relay/ack", receipts, "ack", cancellationToken);

    public Task ReleaseAsync(IReadOnlyList<string> receipts, CancellationToken cancellationToken) =>
        PostReceiptsAsync("api/relay/release", receipts, "release", cancellationToken);

    public Task<JsonObject> ReplyAsync(string? chatId, string text, long? replyTo, string? format, CancellationToken cancellationToken) =>
        PostAsync("api/relay/telegram/reply", new JsonObject
        {
            ["channel"] = settings.Channel,
            ["chat_id"] = chatId,
            ["text"] = text,
            ["reply_to"] = replyTo,
            ["format"] = format,
        }, "reply", cancellationToken);

    public Task<JsonObject> ReactAsync(string chatId, long messageId, string emoji, CancellationToken cancellationToken) =>
        PostAsync("api/relay/telegram/react", new JsonObject
        {
            ["channel"] = settings.Channel,
            ["chat_id"] = chatId,
            ["message_id"] = messageId,
            ["emoji"] = emoji,
        }, "react", cancellationToken);

    public Task<JsonObject> EditAsync(string chatId, long messageId, string text, CancellationToken cancellationToken) =>
        PostAsync("api/relay/telegram/edit", new JsonObject
        {
            ["channel"] = settings.Channel,
            ["chat_id"] = chatId,
            ["message_id"] = messageId,
            ["text"] = text,
        }, "edit", cancellationToken);

    public Task RequestPermissionAsync(string requestId, string toolName, string description, string inputPreview, CancellationToken cancellationToken) =>
        PostAsync("api/relay/permission", new JsonObject
        {
            ["channel"] = settings.Channel,
            ["request_id"] = requestId,
            ["tool_name"] = toolName,
            ["description"] = description,
            ["input_preview"] = inputPreview,
        }, "permission request", cancellationToken);

    public Task<JsonObject> PairAsync(string code, CancellationToken cancellationToken) =>
        PostAsync("api/relay/pair", new JsonObject { ["channel"] = settings.Channel, ["code"] = code }, "pair", cancellationToken);

    public async Task<JsonObject> CapabilitiesAsync(CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(BaseUrl(), $"api/relay/capabilities?channel={Uri.EscapeDataString(settings.Channel)}"));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", settings.Token);
        using var response = await SendAsync(request, "capabilities", cancellationToken).ConfigureAwait(false);
        await EnsureSuccessAsync(response, "capabilities", cancellationToken).ConfigureAwait(false);
        return await ReadObjectAsync(response, "capabilities", cancellationToken).ConfigureAwait(false);
    }

    private async Task PostReceiptsAsync(string path, IReadOnlyList<string> receipts, string operation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(receipts);
        if (receipts.Count == 0)
        {
            return;
        }

        var request = new JsonObject
        {
            ["channel"] = settings.Channel,
            ["receipts"] = new JsonArray([.. receipts.Select(r => (JsonNode?)JsonValue.Create(r))]),
        };
        await PostAsync(path, request, operation, cancellationToken).ConfigureAwait(false);
    }

    private async Task<JsonObject> PostAsync(string path, JsonObject body, string operation, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(BaseUrl(), path))
        {
            // A buffered body, so it goes with a Content-Length (some proxies and hosts drop chunked bodies).
            Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", settings.Token);
        using var response = await SendAsync(request, operation, cancellationToken).ConfigureAwait(false);
        await EnsureSuccessAsync(response, operation, cancellationToken).ConfigureAwait(false);
        return await ReadObjectAsync(response, operation, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The answer's JSON object; anything else (HTML from a proxy, an array, no body) is a clear error.</summary>
    private async Task<JsonObject> ReadObjectAsync(HttpResponseMessage response, string operation, CancellationToken cancellationToken)
    {
        try
        {
            var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            await using (stream.ConfigureAwait(false))
            {
                if (await JsonNode.ParseAsync(stream, documentOptions: JsonRead.Strict, cancellationToken: cancellationToken).ConfigureAwait(false) is JsonObject body)
                {
                    return body;
                }
            }
        }
        catch (JsonException)
        {
            // Reported below like any other answer that is not a JSON object.
        }

        throw new RelayApiException($"the function app at {settings.Url} answered {operation} with something that is not a JSON object");
    }

    private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, string operation, CancellationToken cancellationToken)
    {
        try
        {
            return await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException ex)
        {
            throw new RelayApiException($"cannot reach the function app at {settings.Url} ({operation}): {ex.Message}", ex);
        }
        catch (TaskCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new RelayApiException($"the function app at {settings.Url} did not answer {operation} in time", ex);
        }
    }

    private async Task EnsureSuccessAsync(HttpResponseMessage response, string operation, CancellationToken cancellationToken)
    {
        if (response.StatusCode == HttpStatusCode.Unauthorized)
        {
            throw new RelayApiException(
                $"the function app at {settings.Url} refused the relay token (401 on {operation}): check RELAY_TOKEN or --token-file")
            {
                Status = response.StatusCode,
            };
        }

        if (!response.IsSuccessStatusCode)
        {
            var detail = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                detail = JsonNode.Parse(detail, documentOptions: JsonRead.Strict) is JsonObject error ? JsonRead.Text(error["error"]) ?? JsonRead.Text(error["detail"]) ?? detail : detail;
            }
            catch (JsonException)
            {
                // Not our JSON error body; show it as it is.
            }

            throw new RelayApiException(
                $"the function app at {settings.Url} answered {(int)response.StatusCode} to {operation}: {Clip(detail)}")
            {
                Status = response.StatusCode,
            };
        }
    }

    private Uri BaseUrl() => settings.Url.AbsoluteUri.EndsWith('/') ? settings.Url : new Uri(settings.Url.AbsoluteUri + "/");

    private static string Clip(string text) => text.Length <= 200 ? text : text[..200] + "…";
}
