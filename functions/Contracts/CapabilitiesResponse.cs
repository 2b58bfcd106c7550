namespace Serverless.Contracts;

/// <summary>What a relay may declare: Telegram on, and whether a paired chat can answer permission requests.</summary>
public sealed record CapabilitiesResponse(
    bool Telegram,
    bool PermissionRelay);
