namespace Serverless.Relay.Connection;

/// <summary>What the relay is doing, for the get_status tool.</summary>
public sealed class RelayStatus(TimeProvider timeProvider)
{
    private readonly Lock _gate = new();
    private RelayState _state = RelayState.Starting;
    private string? _lastError;
    private long _delivered;
    private long _duplicates;
    private long _deadLettered;
    private DateTimeOffset? _lastEventAt;
    private DateTimeOffset? _connectedSince;

    public void SetState(RelayState state)
    {
        lock (_gate)
        {
            _state = state;
            _connectedSince = state == RelayState.Connected ? timeProvider.GetUtcNow() : null;
        }
    }

    public void SetError(string error)
    {
        lock (_gate)
        {
            _lastError = error;
        }
    }

    public void CountDelivered()
    {
        lock (_gate)
        {
            _delivered++;
            _lastEventAt = timeProvider.GetUtcNow();
        }
    }

    public void CountDuplicate()
    {
        lock (_gate)
        {
            _duplicates++;
        }
    }

    public void CountDeadLettered()
    {
        lock (_gate)
        {
            _deadLettered++;
        }
    }

    public RelayStatusSnapshot Snapshot()
    {
        lock (_gate)
        {
            return new RelayStatusSnapshot(_state, _connectedSince, _delivered, _duplicates, _deadLettered, _lastEventAt, _lastError);
        }
    }
}
