using System.Buffers;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;

namespace Serverless.Relay.Connection;

/// <summary>
/// One Web PubSub connection session over <c>json.reliable.webpubsub.azure.v1</c>: acknowledges every
/// sequence id, skips replays, and after a drop reconnects with the connection id and reconnection
/// token for up to a minute, as the service's reliable-client guide prescribes.
/// </summary>
public sealed partial class ReliablePubSubConnection(TimeProvider timeProvider, ILogger<ReliablePubSubConnection> logger)
{
    public const string Subprotocol = "json.reliable.webpubsub.azure.v1";
    public const int MaxFrameBytes = 2 * 1024 * 1024;
    private static readonly TimeSpan RecoveryWindow = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Runs until the session is lost for good (returns) or <paramref name="cancellationToken"/> fires.
    /// </summary>
    /// <param name="accessUrl">The client access URL from negotiate.</param>
    /// <param name="onConnected">Called after every (re)connection, before further messages are read.</param>
    /// <param name="onData">Called once per group or server message, in sequence order.</param>
    public async Task RunAsync(
        Uri accessUrl,
        Func<CancellationToken, Task> onConnected,
        Func<JsonNode?, CancellationToken, Task> onData,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(accessUrl);
        var state = new SessionState();
        var backoff = new Backoff(TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(5));
        var target = accessUrl;
        DateTimeOffset? failingSince = null;

        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            using var socket = new ClientWebSocket();
            socket.Options.AddSubProtocol(Subprotocol);
            socket.Options.KeepAliveInterval = TimeSpan.FromSeconds(15);
            socket.Options.KeepAliveTimeout = TimeSpan.FromSeconds(30);
            try
            {
                await socket.ConnectAsync(target, cancellationToken).ConfigureAwait(false);
                var outcome = await ReceiveAsync(socket, state, onConnected, onData, () =>
                {
                    failingSince = null;
                    backoff.Reset();
                }, cancellationToken).ConfigureAwait(false);
                if (outcome == SessionOutcome.Gone)
                {
                    LogSessionGone(socket.CloseStatusDescription ?? "closed by the service");
                    return;
                }

                LogDropped(socket.CloseStatus?.ToString() ?? "no close status");
            }
            catch (Exception ex) when (ex is WebSocketException or IOException && !cancellationToken.IsCancellationRequested)
            {
                if (state.ConnectionId is null)
                {
                    // Never got a session: the access URL itself is refused or unreachable.
                    throw new RelayApiException($"the WebSocket connection to {Redact(accessUrl)} failed: {ex.Message}", ex);
                }

                LogDropped(ex.Message);
            }

            if (state.ConnectionId is null)
            {
                return;
            }

            var now = timeProvider.GetUtcNow();
            failingSince ??= now;
            if (now - failingSince > RecoveryWindow)
            {
                LogSessionGone("reconnection did not succeed within a minute");
                return;
            }

            target = ReconnectUrl(accessUrl, state);
            await Task.Delay(backoff.Next(), timeProvider, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<SessionOutcome> ReceiveAsync(
        ClientWebSocket socket,
        SessionState state,
        Func<CancellationToken, Task> onConnected,
        Func<JsonNode?, CancellationToken, Task> onData,
        Action onHealthy,
        CancellationToken cancellationToken)
    {
        var buffer = new ArrayBufferWriter<byte>();
        while (true)
        {
            buffer.Clear();
            ValueWebSocketReceiveResult result;
            do
            {
                result = await socket.ReceiveAsync(buffer.GetMemory(8192), cancellationToken).ConfigureAwait(false);
                buffer.Advance(result.Count);
                if (buffer.WrittenCount > MaxFrameBytes)
                {
                    // Web PubSub messages are at most 1 MiB; a larger frame is not from the service we expect.
                    LogFrameTooLarge(MaxFrameBytes);
                    await socket.CloseOutputAsync(WebSocketCloseStatus.MessageTooBig, "frame too large", cancellationToken).ConfigureAwait(false);
                    return SessionOutcome.Dropped;
                }
            }
            while (!result.EndOfMessage && result.MessageType != WebSocketMessageType.Close);

            if (result.MessageType == WebSocketMessageType.Close)
            {
                return socket.CloseStatus == WebSocketCloseStatus.PolicyViolation ? SessionOutcome.Gone : SessionOutcome.Dropped;
            }

            JsonObject? message;
            try
            {
                message = JsonNode.Parse(buffer.WrittenSpan, documentOptions: JsonRead.Strict) as JsonObject;
            }
            catch (JsonException)
            {
                message = null;
            }

            if (message is null)
            {
                LogUnreadable();
                continue;
            }

            switch (JsonRead.Text(message["type"]))
            {
                case "system" when JsonRead.Text(message["event"]) == "connected":
                    state.ConnectionId = JsonRead.Text(message["connectionId"]) ?? state.ConnectionId;
                    state.ReconnectionToken = JsonRead.Text(message["reconnectionToken"]) ?? state.ReconnectionToken;
                    onHealthy();
                    LogConnected(state.ConnectionId ?? "?");
                    await onConnected(cancellationToken).ConfigureAwait(false);
                    break;
                case "system" when JsonRead.Text(message["event"]) == "disconnected":
                    var reason = JsonRead.Text(message["message"]) ?? "no reason given";
                    LogServiceDisconnected(reason);
                    break;
                case "message":
                    await HandleDataAsync(socket, state, message, onData, cancellationToken).ConfigureAwait(false);
                    break;
                default:
                    break;
            }
        }
    }

    private static async Task HandleDataAsync(
        ClientWebSocket socket, SessionState state, JsonObject message, Func<JsonNode?, CancellationToken, Task> onData, CancellationToken cancellationToken)
    {
        ulong? sequenceId = message["sequenceId"] is JsonValue v && v.TryGetValue<ulong>(out var s) ? s : null;
        if (sequenceId is { } seq && seq <= state.LastSequenceId)
        {
            // A replay after reconnection of something already handled.
            await SendAckAsync(socket, state.LastSequenceId, cancellationToken).ConfigureAwait(false);
            return;
        }

        var data = message["data"];
        if (JsonRead.Text(message["dataType"]) == "text" && data is JsonValue text && text.TryGetValue<string>(out var json))
        {
            try
            {
                data = JsonNode.Parse(json, documentOptions: JsonRead.Strict);
            }
            catch (JsonException)
            {
                // Leave it as text; the handler ignores what it does not understand.
            }
        }

        await onData(data, cancellationToken).ConfigureAwait(false);
        if (sequenceId is { } handled)
        {
            state.LastSequenceId = handled;
            await SendAckAsync(socket, handled, cancellationToken).ConfigureAwait(false);
        }
    }

    private static Task SendAckAsync(ClientWebSocket socket, ulong sequenceId, CancellationToken cancellationToken)
    {
        var ack = Encoding.UTF8.GetBytes($$"""{"type":"sequenceAck","sequenceId":{{sequenceId}}}""");
        return socket.SendAsync(ack, WebSocketMessageType.Text, true, cancellationToken);
    }

    private static Uri ReconnectUrl(Uri accessUrl, SessionState state)
    {
        var builder = new UriBuilder(accessUrl)
        {
            Query = $"awps_connection_id={Uri.EscapeDataString(state.ConnectionId!)}&awps_reconnection_token={Uri.EscapeDataString(state.ReconnectionToken ?? string.Empty)}",
        };
        return builder.Uri;
    }

    /// <summary>The access URL without its token, for messages.</summary>
    public static string Redact(Uri url)
    {
        ArgumentNullException.ThrowIfNull(url);
        return url.GetLeftPart(UriPartial.Path);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Connected to Web PubSub (connection {ConnectionId})")]
    private partial void LogConnected(string connectionId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The Web PubSub connection dropped ({Reason}); reconnecting to the same session")]
    private partial void LogDropped(string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The Web PubSub session ended ({Reason}); negotiating a new one")]
    private partial void LogSessionGone(string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Web PubSub closed the connection: {Reason}")]
    private partial void LogServiceDisconnected(string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A Web PubSub frame was larger than {MaxBytes} bytes; dropping the connection")]
    private partial void LogFrameTooLarge(int maxBytes);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Ignored a Web PubSub frame that is not a JSON object")]
    private partial void LogUnreadable();

    private enum SessionOutcome
    {
        Dropped,
        Gone,
    }

    private sealed class SessionState
    {
        public string? ConnectionId { get; set; }

        public string? ReconnectionToken { get; set; }

        public ulong LastSequenceId { get; set; }
    }
}
