using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Serverless.Functions.Security;

namespace Serverless.Functions.WebPubSub.Embedded;

/// <summary>
/// The in-process stand-in for the Web PubSub service on the local default: connection sessions,
/// groups and group sends, with the reliable subprotocol's buffering and reconnection.
/// </summary>
public sealed partial class EmbeddedWebPubSubHub(TimeProvider timeProvider, ILogger<EmbeddedWebPubSubHub> logger)
{
    /// <summary>How long a dropped reliable session waits for its client (the service documents one minute).</summary>
    public static readonly TimeSpan ReconnectionWindow = TimeSpan.FromMinutes(1);

    /// <summary>Unacknowledged messages a session may hold before the service gives up on it.</summary>
    public const int MaxBufferedMessages = 10_000;

    // Enumerated directly, never through .Values: that takes every lock of the dictionary and copies it,
    // on each doorbell.
    private readonly ConcurrentDictionary<string, EmbeddedConnection> _connections = new(StringComparer.Ordinal);

    public int ConnectionCount => _connections.Count;

    public EmbeddedConnection Open(string hub, string? userId, IEnumerable<string> groups, IEnumerable<string> roles, ClientProtocol protocol)
    {
        RemoveExpired();
        var connection = new EmbeddedConnection(hub, userId, groups, roles, protocol);
        _connections[connection.ConnectionId] = connection;
        LogOpened(connection.ConnectionId, hub, protocol);
        return connection;
    }

    /// <summary>Finds a dropped reliable session by its id and reconnection token.</summary>
    public EmbeddedConnection? Resume(string hub, string connectionId, string reconnectionToken)
    {
        RemoveExpired();
        if (_connections.TryGetValue(connectionId, out var connection)
            && connection.Hub == hub
            && connection.Protocol == ClientProtocol.JsonReliable
            && SecretComparer.Matches(reconnectionToken, connection.ReconnectionToken))
        {
            return connection;
        }

        return null;
    }

    public void Close(EmbeddedConnection connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        if (_connections.TryRemove(connection.ConnectionId, out _))
        {
            LogClosed(connection.ConnectionId);
        }
    }

    /// <summary>Whether a connection (attached or waiting to resume) is in the group, so a sender can skip building a message nobody gets.</summary>
    public bool HasMembers(string hub, string group)
    {
        if (_connections.IsEmpty)
        {
            return false;
        }

        foreach (var (_, connection) in _connections)
        {
            if (connection.Hub == hub && connection.IsInGroup(group))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Delivers a message to every connection in the group; returns how many received it.</summary>
    public int SendToGroup(string hub, string group, string dataType, JsonNode? data, string? fromUserId = null) =>
        SendToGroup(hub, GroupMessage.FromNode(group, dataType, data, fromUserId));

    /// <summary>Delivers a message, serialized once, to every connection in its group; returns how many received it.</summary>
    public int SendToGroup(string hub, GroupMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        RemoveExpired();
        var count = 0;
        foreach (var (_, connection) in _connections)
        {
            if (connection.Hub != hub || !connection.IsInGroup(message.Group))
            {
                continue;
            }

            connection.EnqueueData(message);
            if (connection.BufferedCount > MaxBufferedMessages)
            {
                LogBufferOverflow(connection.ConnectionId, MaxBufferedMessages);
                connection.AbortSocket();
                Close(connection);
                continue;
            }

            count++;
        }

        return count;
    }

    /// <summary>Drops the WebSockets of a group's connections from the server side (their sessions survive).</summary>
    public int AbortSockets(string hub, string group)
    {
        var count = 0;
        foreach (var (_, connection) in _connections)
        {
            if (connection.Hub != hub || !connection.IsInGroup(group))
            {
                continue;
            }

            connection.AbortSocket();
            count++;
        }

        return count;
    }

    private void RemoveExpired()
    {
        var now = timeProvider.GetUtcNow();
        foreach (var (_, connection) in _connections)
        {
            if (connection.DetachedAt is { } detached && now - detached > ReconnectionWindow)
            {
                Close(connection);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Embedded Web PubSub: connection {ConnectionId} opened on hub {Hub} ({Protocol})")]
    private partial void LogOpened(string connectionId, string hub, ClientProtocol protocol);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Embedded Web PubSub: connection {ConnectionId} closed")]
    private partial void LogClosed(string connectionId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Embedded Web PubSub: connection {ConnectionId} left more than {Limit} messages unacknowledged and was closed")]
    private partial void LogBufferOverflow(string connectionId, int limit);
}
