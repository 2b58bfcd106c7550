using Serverless.Functions.Events;

namespace Serverless.Functions.History;

/// <summary>
/// The event attributes a playbook rule can test (the relay shows them as the tag's attributes, under these
/// names), kept with each history row so <c>relay playbook check</c> can tell which rule a past event matched.
/// </summary>
public static class HistoryMeta
{
    /// <summary>Each attribute's meta key, the table column it is kept in, and where the envelope has it; the channel is the row's partition.</summary>
    public static readonly IReadOnlyList<(string Key, string Column, Func<ChannelEvent, string?> Read)> Fields =
    [
        ("kind", "Kind", e => e.Kind),
        ("event_type", "EventType", e => e.EventType),
        ("severity", "Severity", e => e.Severity),
        ("repo", "Repo", e => e.Repo),
        ("branch", "Branch", e => e.Branch),
        ("fork", "Fork", e => e.Fork),
        ("actor", "Actor", e => e.Actor),
        ("service", "Service", e => e.Service),
        ("trust", "Trust", e => e.Trust),
        ("user", "User", e => e.User),
    ];

    /// <summary>The meta of a row: its channel and the attributes that have a value.</summary>
    public static IReadOnlyDictionary<string, string> With(string channel, IEnumerable<(string Key, string? Value)> values)
    {
        var meta = new Dictionary<string, string>(StringComparer.Ordinal) { ["channel"] = channel };
        foreach (var (key, value) in values)
        {
            if (!string.IsNullOrEmpty(value))
            {
                meta[key] = value;
            }
        }

        return meta;
    }
}
