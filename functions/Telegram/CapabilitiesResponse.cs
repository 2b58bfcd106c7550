using System.Text.Json.Serialization;

namespace Serverless.Functions.Telegram;

/// <summary>What a relay may declare: Telegram on, and whether a paired chat can answer permission requests.</summary>
public sealed record CapabilitiesResponse(
    bool Telegram,
    [property: JsonPropertyName("permission_relay")] bool PermissionRelay);
