namespace Serverless.Functions.History;

/// <summary>Why a delivery was refused before anything was stored; a closed set, so counters stay few.</summary>
public enum RefusalReason
{
    BadSignature,
    TooLarge,
    Filtered,
    Invalid,
}
