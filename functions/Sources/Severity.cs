namespace Serverless.Functions.Sources;

/// <summary>One severity scale for every provider: <c>critical</c>, <c>error</c>, <c>warning</c>, <c>info</c>.</summary>
public static class Severity
{
    public const string Critical = "critical";
    public const string Error = "error";
    public const string Warning = "warning";
    public const string Info = "info";

    public static readonly IReadOnlyList<string> All = [Info, Warning, Error, Critical];

    /// <summary>0 (info) to 3 (critical); unknown counts as info.</summary>
    public static int Rank(string? severity) => severity switch
    {
        Critical => 3,
        Error => 2,
        Warning => 1,
        _ => 0,
    };

    /// <summary>Maps the words providers use onto the scale; null when there is nothing to map.</summary>
    public static string? Normalize(string? value) => value?.Trim().ToLowerInvariant() switch
    {
        null or "" => null,
        "critical" or "crit" or "fatal" or "sev0" or "sev1" or "p1" or "high" or "emergency" or "alert" or "page" => Critical,
        "error" or "err" or "sev2" or "p2" or "major" or "firing" => Error,
        "warning" or "warn" or "sev3" or "p3" or "medium" or "moderate" or "minor" => Warning,
        "info" or "information" or "informational" or "sev4" or "p4" or "p5" or "low" or "note" or "debug" or "ok" or "resolved" or "none" => Info,
        _ => null,
    };
}
