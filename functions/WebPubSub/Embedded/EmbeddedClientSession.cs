using System.Buffers;
using System.Net.WebSockets;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;

namespace Serverless.Functions.WebPubSub.Embedded;

/// <summary>Runs one accepted WebSocket: the writer pump, and the reader for the client's requests.</summary>
public sealed partial class EmbeddedClientSession(EmbeddedWebPubSubHub hub, TimeProvider timeProvider, ILogger<EmbeddedClientSession> logger)
{
    private const int MaxFrameBytes = 1024 * 1024;

    public async Task RunAsync(WebSocket socket, EmbeddedConnection connection, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(socket);
        ArgumentNullException.ThrowIfNull(connection);
        var generation = connection.Attach(socket);
        if (connection.Protocol != ClientProtocol.Raw)
        {
            var connected = new JsonObject
            {
                ["type"] = "system",
                ["event"] = "connected",
                ["userId"] = connection.UserId,
                ["connectionId"] = connection.ConnectionId,
            };
            if (connection.Protocol == ClientProtocol.JsonReliable)
            {
                connected["reconnectionToken"] = connection.ReconnectionToken;
            }

            connection.EnqueueControl(connected);
        }

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var pump = connection.PumpAsync(socket, generation, stop.Token);
        try
        {
            await ReceiveAsync(socket, connection, stop.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
        {
            LogDropped(connection.ConnectionId, ex.Message);
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
            try
            {
                await pump.ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException)
            {
                // The socket is gone; buffered messages wait for a reconnect.
            }

            connection.Detach(generation, timeProvider.GetUtcNow());
            if (connection.Protocol != ClientProtocol.JsonReliable)
            {
                hub.Close(connection);
            }
        }
    }

    private async Task ReceiveAsync(WebSocket socket, EmbeddedConnection connection, CancellationToken cancellationToken)
    {
        var buffer = new ArrayBufferWriter<byte>();
        while (socket.State == WebSocketState.Open)
        {
            buffer.Clear();
            ValueWebSocketReceiveResult result;
            do
            {
                result = await socket.ReceiveAsync(buffer.GetMemory(4096), cancellationToken).ConfigureAwait(false);
                buffer.Advance(result.Count);
                if (buffer.WrittenCount > MaxFrameBytes)
                {
                    await socket.CloseAsync(WebSocketCloseStatus.MessageTooBig, "message too big", cancellationToken).ConfigureAwait(false);
                    return;
                }
            }
            while (!result.EndOfMessage && result.MessageType != WebSocketMessageType.Close);

            if (result.MessageType == WebSocketMessageType.Close)
            {
                if (connection.Protocol == ClientProtocol.JsonReliable)
                {
                    // A client that closes on purpose ends its session; a drop keeps it for reconnection.
                    hub.Close(connection);
                }

                await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, cancellationToken).ConfigureAwait(false);
                return;
            }

            if (connection.Protocol != ClientProtocol.Raw)
            {
                HandleRequest(connection, buffer.WrittenSpan);
            }
        }
    }

    private void HandleRequest(EmbeddedConnection connection, ReadOnlySpan<byte> frame)
    {
        JsonObject? request;
        try
        {
            request = Sources.Json.ParseStrict(frame) as JsonObject;
        }
        catch (JsonException)
        {
            request = null;
        }

        if (request is null)
        {
            LogInvalidRequest(connection.ConnectionId);
            return;
        }

        // Every field may be missing or of the wrong type; such a frame gets an error ack, and the session lives on.
        var type = Sources.Json.Text(request, "type");
        var ackId = request["ackId"] is JsonValue ack && ack.GetValueKind() == JsonValueKind.Number && ack.TryGetValue<ulong>(out var id) ? id : (ulong?)null;
        var group = request["group"] is JsonValue g && g.GetValueKind() == JsonValueKind.String ? g.GetValue<string>() : null;
        switch (type)
        {
            case "sequenceAck" when request["sequenceId"] is JsonValue sequence && sequence.TryGetValue<ulong>(out var sequenceId):
                connection.Acknowledge(sequenceId);
                break;
            case "joinGroup" when group is not null:
                if (Allowed(connection, "webpubsub.joinLeaveGroup", group))
                {
                    connection.Join(group);
                    Ack(connection, ackId, null);
                }
                else
                {
                    Ack(connection, ackId, "Forbidden");
                }

                break;
            case "leaveGroup" when group is not null:
                if (Allowed(connection, "webpubsub.joinLeaveGroup", group))
                {
                    connection.Leave(group);
                    Ack(connection, ackId, null);
                }
                else
                {
                    Ack(connection, ackId, "Forbidden");
                }

                break;
            case "sendToGroup" when group is not null:
                if (Allowed(connection, "webpubsub.sendToGroup", group))
                {
                    var dataType = Sources.Json.Text(request, "dataType") ?? "json";
                    hub.SendToGroup(connection.Hub, group, dataType, request["data"], connection.UserId);
                    Ack(connection, ackId, null);
                }
                else
                {
                    Ack(connection, ackId, "Forbidden");
                }

                break;
            default:
                // Event requests go to an upstream handler, which the local default does not have.
                Ack(connection, ackId, "BadRequest");
                break;
        }
    }

    private static bool Allowed(EmbeddedConnection connection, string role, string group) =>
        connection.Roles.Contains(role, StringComparer.Ordinal) || connection.Roles.Contains($"{role}.{group}", StringComparer.Ordinal);

    private static void Ack(EmbeddedConnection connection, ulong? ackId, string? error)
    {
        if (ackId is null)
        {
            return;
        }

        var ack = new JsonObject { ["type"] = "ack", ["ackId"] = ackId.Value, ["success"] = error is null };
        if (error is not null)
        {
            ack["error"] = new JsonObject { ["name"] = error, ["message"] = $"The request was refused: {error}." };
        }

        connection.EnqueueControl(ack);
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Embedded Web PubSub: connection {ConnectionId} dropped: {Reason}")]
    private partial void LogDropped(string connectionId, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Embedded Web PubSub: connection {ConnectionId} sent a frame that is not a JSON object")]
    private partial void LogInvalidRequest(string connectionId);
}
