using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using Serverless.Contracts;
using Serverless.Relay.Channel;
using Serverless.Relay.Delivery;

namespace Serverless.Relay.Connection;

/// <summary>Calls the relay API over HTTPS with the relay token; its records and JSON are the function app's own (Serverless.Contracts).</summary>
public sealed class RelayApiClient(HttpClient http, RelaySettings settings) : IRelayApi, IChatApi, IQuestionApi, IHistoryApi
{
    private static readonly RelayApiJsonContext Json = RelayApiJsonContext.Default;

    public async Task<Uri> NegotiateAsync(CancellationToken cancellationToken)
    {
        var path = $"api/relay/negotiate?channel={Uri.EscapeDataString(settings.Channel)}";
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(BaseUrl(), path)) { Content = new ByteArrayContent([]) };
        var negotiated = await SendAsync(request, Typed(Json.NegotiateResponse), "negotiate", cancellationToken).ConfigureAwait(false);
        var uri = negotiated.Url;
        if (uri is null || !uri.IsAbsoluteUri || (uri.Scheme != "wss" && uri.Scheme != "ws"))
        {
            throw new RelayApiException($"{settings.Url} answered negotiate without a usable WebSocket url.");
        }

        // A function app reached over https hands out wss only: no downgrade of the channel's traffic.
        if (settings.Url.Scheme == Uri.UriSchemeHttps && uri.Scheme != "wss")
        {
            throw new RelayApiException($"{settings.Url} answered negotiate with an unencrypted WebSocket url; refusing it.");
        }

        // Plain ws only to this machine, as plain http (PlainTextRule): the doorbell's events would otherwise cross the network in clear.
        if (!PlainTextRule.Allows(uri))
        {
            throw new RelayApiException(
                $"{settings.Url} answered negotiate with a plain ws:// url to another machine ({ReliablePubSubConnection.Redact(uri)}); refusing it: the WebSocket must use wss ({PlainTextRule.Secure(uri)}), plain ws is only for localhost, 127.0.0.0/8 and ::1.");
        }

        return uri;
    }

    public async Task<BacklogBatch> ReceiveBacklogAsync(int max, CancellationToken cancellationToken)
    {
        var request = new BacklogRequest(settings.Channel, max, (int)settings.VisibilityTimeout.TotalSeconds);
        // The events stay JSON nodes: each is read field by field, as untrusted input, by RelayEvent.
        var body = await PostAsync("api/relay/backlog", request, Json.BacklogRequest, ObjectNode, "backlog", cancellationToken).ConfigureAwait(false);
        IReadOnlyList<RelayEvent> events = body["events"] is JsonArray array
            ? [.. array.Select(RelayEvent.FromMessage).OfType<RelayEvent>()]
            : [];
        IReadOnlyList<DeadLetteredEvent> deadLettered = body["dead_lettered"] is JsonArray dead
            ? [.. dead.OfType<JsonObject>().Select(ReadDeadLettered)]
            : [];
        return new BacklogBatch(events, deadLettered);
    }

    public async Task<JsonObject?> GetEventAsync(string eventId, CancellationToken cancellationToken)
    {
        var path = $"api/relay/events/{Uri.EscapeDataString(eventId)}?channel={Uri.EscapeDataString(settings.Channel)}";
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(BaseUrl(), path));
        try
        {
            return await SendAsync(request, ObjectNode, "event lookup", cancellationToken).ConfigureAwait(false);
        }
        catch (RelayApiException ex) when (ex.Status == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    public async Task<EventHistoryResponse> ListHistoryAsync(string filters, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filters);
        var path = $"api/relay/history?channel={Uri.EscapeDataString(settings.Channel)}{filters}";
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(BaseUrl(), path));
        return await SendAsync(request, Typed(Json.EventHistoryResponse), "history", cancellationToken).ConfigureAwait(false);
    }

    public async Task<EventHistoryRecord?> GetHistoryAsync(string eventId, CancellationToken cancellationToken)
    {
        var path = $"api/relay/history/{Uri.EscapeDataString(eventId)}?channel={Uri.EscapeDataString(settings.Channel)}";
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(BaseUrl(), path));
        try
        {
            return await SendAsync(request, Typed(Json.EventHistoryRecord), "history lookup", cancellationToken).ConfigureAwait(false);
        }
        catch (RelayApiException ex) when (ex.Status == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    /// <summary>Sends the channel's dead-lettered events round again.</summary>
    public Task<RedriveResponse> RedriveAsync(CancellationToken cancellationToken) =>
        PostAsync("api/relay/redrive", new RedriveRequest(settings.Channel), Json.RedriveRequest, Json.RedriveResponse, "redrive", cancellationToken);

    public Task<AckResponse> AcknowledgeAsync(IReadOnlyList<string> receipts, IReadOnlyList<ReceiptDelivery?>? deliveries, CancellationToken cancellationToken) =>
        PostReceiptsAsync("api/relay/ack", receipts, deliveries, "ack", cancellationToken);

    public Task ReleaseAsync(IReadOnlyList<string> receipts, CancellationToken cancellationToken) =>
        PostReceiptsAsync("api/relay/release", receipts, null, "release", cancellationToken);

    public async Task<ReplyResponse> ReplyAsync(string? chatId, string text, string? replyTo, string? format, CancellationToken cancellationToken)
    {
        // No chat id: the notification chat, of the first transport that has one for this channel.
        var transport = chatId is { Length: > 0 }
            ? ChatReference.TransportOf(chatId)
            : (await CapabilitiesAsync(cancellationToken).ConfigureAwait(false)).NotificationTransport ?? ChatReference.Telegram;
        return await PostAsync(ChatPath(transport, "reply"), new ReplyRequest(settings.Channel, chatId, text, replyTo, format), Json.ReplyRequest, Json.ReplyResponse, "reply", cancellationToken).ConfigureAwait(false);
    }

    public Task<ReplyResponse> ReactAsync(string chatId, string messageId, string emoji, CancellationToken cancellationToken) =>
        PostAsync(ChatPath(ChatReference.TransportOf(chatId), "react"), new ReactRequest(settings.Channel, chatId, messageId, emoji), Json.ReactRequest, Json.ReplyResponse, "react", cancellationToken);

    public Task<ReceiptResponse> ReceiptAsync(string chatId, string messageId, CancellationToken cancellationToken) =>
        PostAsync(ChatPath(ChatReference.TransportOf(chatId), "receipt"), new ReceiptRequest(settings.Channel, chatId, messageId), Json.ReceiptRequest, Json.ReceiptResponse, "receipt", cancellationToken);

    public Task<ReplyResponse> EditAsync(string chatId, string messageId, string text, CancellationToken cancellationToken) =>
        PostAsync(ChatPath(ChatReference.TransportOf(chatId), "edit"), new EditRequest(settings.Channel, chatId, messageId, text), Json.EditRequest, Json.ReplyResponse, "edit", cancellationToken);

    private static string ChatPath(string transport, string action) => $"api/relay/{Uri.EscapeDataString(transport)}/{action}";

    public Task RequestPermissionAsync(string requestId, string toolName, string description, string inputPreview, CancellationToken cancellationToken) =>
        PostAsync(
            "api/relay/permission",
            new PermissionRequest(settings.Channel, requestId, toolName, description, inputPreview),
            Json.PermissionRequest,
            Json.PermissionResponse,
            "permission request",
            cancellationToken);

    public Task<PairResponse> PairAsync(string code, CancellationToken cancellationToken) =>
        PostAsync("api/relay/pair", new PairRequest(settings.Channel, code), Json.PairRequest, Json.PairResponse, "pair", cancellationToken);

    public async Task<CapabilitiesResponse> CapabilitiesAsync(CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(BaseUrl(), $"api/relay/capabilities?channel={Uri.EscapeDataString(settings.Channel)}"));
        return await SendAsync(request, Typed(Json.CapabilitiesResponse), "capabilities", cancellationToken).ConfigureAwait(false);
    }

    public Task<QuestionStatus> AskAsync(AskRequest question, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(question);
        return PostAsync("api/relay/questions", question with { Channel = settings.Channel }, Json.AskRequest, Json.QuestionStatus, "ask_user", cancellationToken);
    }

    public Task<QuestionStatus> GetQuestionAsync(string questionId, CancellationToken cancellationToken) =>
        QuestionAsync(HttpMethod.Get, questionId, "question lookup", cancellationToken);

    public Task<QuestionStatus> WithdrawQuestionAsync(string questionId, CancellationToken cancellationToken) =>
        QuestionAsync(HttpMethod.Delete, questionId, "question withdrawal", cancellationToken);

    private async Task<QuestionStatus> QuestionAsync(HttpMethod method, string questionId, string operation, CancellationToken cancellationToken)
    {
        var path = $"api/relay/questions/{Uri.EscapeDataString(questionId)}?channel={Uri.EscapeDataString(settings.Channel)}";
        using var request = new HttpRequestMessage(method, new Uri(BaseUrl(), path));
        return await SendAsync(request, Typed(Json.QuestionStatus), operation, cancellationToken).ConfigureAwait(false);
    }

    private async Task<AckResponse> PostReceiptsAsync(
        string path, IReadOnlyList<string> receipts, IReadOnlyList<ReceiptDelivery?>? deliveries, string operation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(receipts);
        if (deliveries is not null && deliveries.Count != receipts.Count)
        {
            throw new ArgumentException("One delivery (or null) per receipt.", nameof(deliveries));
        }

        if (receipts.Count == 0)
        {
            return new AckResponse(0, 0);
        }

        // The API takes at most MaxReceiptsPerCall a call; a longer list goes in several.
        var (acknowledged, stale) = (0, 0);
        for (var start = 0; start < receipts.Count; start += RelayApiDefaults.MaxReceiptsPerCall)
        {
            var request = receipts.Count <= RelayApiDefaults.MaxReceiptsPerCall
                ? new AckRequest(settings.Channel, receipts, deliveries)
                : new AckRequest(settings.Channel, Chunk(receipts, start), deliveries is null ? null : Chunk(deliveries, start));
            var answer = await PostAsync(path, request, Json.AckRequest, Json.AckResponse, operation, cancellationToken).ConfigureAwait(false);
            acknowledged += answer.Acknowledged;
            stale += answer.Stale;
        }

        return new AckResponse(acknowledged, stale);

        static IReadOnlyList<T> Chunk<T>(IReadOnlyList<T> items, int start) => [.. items.Skip(start).Take(RelayApiDefaults.MaxReceiptsPerCall)];
    }

    private Task<TResponse> PostAsync<TRequest, TResponse>(
        string path, TRequest body, JsonTypeInfo<TRequest> requestJson, JsonTypeInfo<TResponse> responseJson, string operation, CancellationToken cancellationToken) =>
        PostAsync(path, body, requestJson, Typed(responseJson), operation, cancellationToken);

    private async Task<TResponse> PostAsync<TRequest, TResponse>(
        string path, TRequest body, JsonTypeInfo<TRequest> requestJson, Func<Stream, CancellationToken, ValueTask<TResponse?>> read, string operation, CancellationToken cancellationToken)
    {
        // A buffered body, so it goes with a Content-Length (some proxies and hosts drop chunked bodies).
        var content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(body, requestJson));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(BaseUrl(), path)) { Content = content };
        return await SendAsync(request, read, operation, cancellationToken).ConfigureAwait(false);
    }

    private async Task<TResponse> SendAsync<TResponse>(
        HttpRequestMessage request, Func<Stream, CancellationToken, ValueTask<TResponse?>> read, string operation, CancellationToken cancellationToken)
    {
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", settings.Token);
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException ex)
        {
            var cause = await SchemeProbe.ExplainAsync(settings.Url, ex, cancellationToken).ConfigureAwait(false) ?? SchemeProbe.Describe(ex);
            throw new RelayApiException($"cannot reach the function app at {settings.Url} ({operation}): {cause}", ex);
        }
        catch (TaskCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new RelayApiException($"the function app at {settings.Url} did not answer {operation} in time", ex);
        }

        using (response)
        {
            await EnsureSuccessAsync(response, operation, cancellationToken).ConfigureAwait(false);
            return await ReadAsync(response, read, operation, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The answer as the contract says; anything else (HTML from a proxy, an array, no body) is a clear error.</summary>
    private async Task<TResponse> ReadAsync<TResponse>(
        HttpResponseMessage response, Func<Stream, CancellationToken, ValueTask<TResponse?>> read, string operation, CancellationToken cancellationToken)
    {
        var reason = string.Empty;
        try
        {
            var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            await using (stream.ConfigureAwait(false))
            {
                if (await read(stream, cancellationToken).ConfigureAwait(false) is { } body)
                {
                    return body;
                }
            }
        }
        catch (JsonException ex)
        {
            // The parser's message names the place (a path, a line), never the answer's content.
            reason = $" ({ex.Message})";
        }

        throw new RelayApiException($"the function app at {settings.Url} answered {operation} with something that is not a JSON object of the relay API{reason}");
    }

    /// <summary>A JSON object read strictly (no duplicate keys), for answers the relay reads field by field.</summary>
    private static async ValueTask<JsonObject?> ObjectNode(Stream json, CancellationToken cancellationToken) =>
        await JsonNode.ParseAsync(json, documentOptions: JsonRead.Strict, cancellationToken: cancellationToken).ConfigureAwait(false) as JsonObject;

    private static Func<Stream, CancellationToken, ValueTask<T?>> Typed<T>(JsonTypeInfo<T> json) =>
        (stream, cancellationToken) => JsonSerializer.DeserializeAsync(stream, json, cancellationToken);

    private static DeadLetteredEvent ReadDeadLettered(JsonObject dead) => new(
        JsonRead.Text(dead["id"]) ?? "?", JsonRead.Text(dead["kind"]) ?? "unknown", JsonRead.Number(dead["attempts"]) ?? 0, JsonRead.Text(dead["queue"]) ?? "?");

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
                // Problem details (application/problem+json): the detail says what to change.
                detail = JsonNode.Parse(detail, documentOptions: JsonRead.Strict) is JsonObject problem ? JsonRead.Text(problem["detail"]) ?? JsonRead.Text(problem["title"]) ?? detail : detail;
            }
            catch (JsonException)
            {
                // Not a problem document; show it as it is.
            }

            throw new RelayApiException(
                $"the function app at {settings.Url} answered {(int)response.StatusCode} to {operation}: {Clip(UntrustedText.OneLine(detail))}")
            {
                Status = response.StatusCode,
            };
        }
    }

    /// <summary>Sends a past event of the channel again as a new event; 404 (a <see cref="RelayApiException"/>) when the app no longer has it.</summary>
    public Task<ReplayResponse> ReplayAsync(string eventId, CancellationToken cancellationToken) =>
        PostAsync("api/relay/replay", new ReplayRequest(settings.Channel, eventId), Json.ReplayRequest, Json.ReplayResponse, "replay", cancellationToken);

    private Uri BaseUrl() => settings.Url.AbsoluteUri.EndsWith('/') ? settings.Url : new Uri(settings.Url.AbsoluteUri + "/");

    private static string Clip(string text) => text.Length <= 200 ? text : text[..200] + "…";

    /// <summary>Registers the Discord slash command through the function app (<c>relay discord register</c>).</summary>
    public async Task<DiscordCommandsResponse> RegisterDiscordCommandsAsync(CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(BaseUrl(), "api/relay/discord/commands")) { Content = new ByteArrayContent([]) };
        return await SendAsync(request, Typed(Json.DiscordCommandsResponse), "discord register", cancellationToken).ConfigureAwait(false);
    }
}
