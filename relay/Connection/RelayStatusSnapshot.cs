namespace Serverless.Relay.Connection;

public sealed record RelayStatusSnapshot(
    string State,
    DateTimeOffset? ConnectedSince,
    long Delivered,
    long DuplicatesSkipped,
    DateTimeOffset? LastEventAt,
    string? LastError);
