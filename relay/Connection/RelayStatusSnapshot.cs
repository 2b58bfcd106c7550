namespace Serverless.Relay.Connection;

public sealed record RelayStatusSnapshot(
    RelayState State,
    DateTimeOffset? ConnectedSince,
    long Delivered,
    long DuplicatesSkipped,
    long DeadLettered,
    DateTimeOffset? LastEventAt,
    string? LastError);
