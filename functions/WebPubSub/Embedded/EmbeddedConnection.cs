using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading.Channels;

namespace Serverless.Functions.WebPubSub.Embedded;

/// <summary>
/// One client connection session. With the reliable protocol it outlives its WebSocket: messages stay
/// buffered until the client acknowledges their sequence id, and a reconnect replays them in order.
/// </summary>
public sealed class EmbeddedConnection
{
    private readonly object _gate = new();
    private readonly List<(ulong Sequence, byte[] Frame)> _buffer = [];
    private readonly Queue<byte[]> _control = new();
    private readonly HashSet<string> _groups;
    private ulong _nextSequence = 1;
    private ulong _cursor;
    private int _generation;
    private Channel<bool> _signal = NewSignal();
    private WebSocket? _socket;

    public EmbeddedConnection(string hub, string? userId, IEnumerable<string> groups, IEnumerable<string> roles, ClientProtocol protocol)
    {
        Hub = hub;
        UserId = userId;
        Protocol = protocol;
        Roles = [.. roles];
        _groups = new HashSet<string>(groups, StringComparer.Ordinal);
        ConnectionId = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        ReconnectionToken = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
    }

    public string Hub { get; }

    public string ConnectionId { get; }

    public string ReconnectionToken { get; }

    public string? UserId { get; }

    public ClientProtocol Protocol { get; }

    public IReadOnlyList<string> Roles { get; }

    public DateTimeOffset? DetachedAt { get; private set; }

    public int BufferedCount
    {
        get
        {
            lock (_gate)
            {
                return _buffer.Count;
            }
        }
    }

    public bool IsInGroup(string group)
    {
        lock (_gate)
        {
            return _groups.Contains(group);
        }
    }

    public void Join(string group)
    {
        lock (_gate)
        {
            _groups.Add(group);
        }
    }

    public void Leave(string group)
    {
        lock (_gate)
        {
            _groups.Remove(group);
        }
    }

    /// <summary>Queues a data message; the reliable protocol stamps it with the next sequence id.</summary>
    public void EnqueueData(GroupMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        lock (_gate)
        {
            var sequence = _nextSequence++;
            var frame = Protocol switch
            {
                ClientProtocol.Raw => message.RawFrame(),
                ClientProtocol.JsonReliable => message.Frame(sequence),
                _ => message.Frame(null),
            };
            _buffer.Add((sequence, frame));
            _signal.Writer.TryWrite(true);
        }
    }

    /// <summary>Queues a frame outside the sequence (acks, system messages).</summary>
    public void EnqueueControl(JsonObject message)
    {
        lock (_gate)
        {
            _control.Enqueue(Encoding.UTF8.GetBytes(message.ToJsonString()));
            _signal.Writer.TryWrite(true);
        }
    }

    /// <summary>Everything up to and including <paramref name="sequenceId"/> has arrived at the client.</summary>
    public void Acknowledge(ulong sequenceId)
    {
        lock (_gate)
        {
            _buffer.RemoveAll(m => m.Sequence <= sequenceId);
        }
    }

    /// <summary>Binds a (new) WebSocket; the reliable protocol replays what was not acknowledged.</summary>
    public int Attach(WebSocket socket)
    {
        lock (_gate)
        {
            _socket = socket;
            DetachedAt = null;
            _cursor = 0;
            _control.Clear();
            _signal = NewSignal();
            _signal.Writer.TryWrite(true);
            return ++_generation;
        }
    }

    public void Detach(int generation, DateTimeOffset now)
    {
        lock (_gate)
        {
            if (generation == _generation)
            {
                _socket = null;
                DetachedAt = now;
            }
        }
    }

    /// <summary>Server side abort of the current WebSocket (the session survives for a reconnect).</summary>
    public void AbortSocket()
    {
        WebSocket? socket;
        lock (_gate)
        {
            socket = _socket;
        }

        socket?.Abort();
    }

    /// <summary>The single writer of one WebSocket: control frames first, then data in sequence order.</summary>
    public async Task PumpAsync(WebSocket socket, int generation, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested && socket.State == WebSocketState.Open)
        {
            Channel<bool> signal;
            lock (_gate)
            {
                if (generation != _generation)
                {
                    return;
                }

                signal = _signal;
            }

            await signal.Reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            while (TryTakeNext(generation, out var frame))
            {
                await socket.SendAsync(frame, WebSocketMessageType.Text, true, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    // A wake-up flag: writes while one is pending collapse into it, and the pump drains everything per wake.
    private static Channel<bool> NewSignal() =>
        Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    private bool TryTakeNext(int generation, out byte[] frame)
    {
        lock (_gate)
        {
            frame = [];
            if (generation != _generation)
            {
                return false;
            }

            if (_control.TryDequeue(out var control))
            {
                frame = control;
                return true;
            }

            var index = _buffer.FindIndex(m => m.Sequence > _cursor);
            if (index < 0)
            {
                return false;
            }

            var (sequence, data) = _buffer[index];
            _cursor = sequence;
            if (Protocol != ClientProtocol.JsonReliable)
            {
                // Without sequence acks a frame handed to the socket counts as delivered.
                _buffer.RemoveAt(index);
            }

            frame = data;
            return true;
        }
    }
}
