namespace Serverless.Relay.Playbooks;

/// <summary>
/// One <c>key=value</c> of a rule's <c>when:</c> line. The value may list alternatives (<c>error|critical</c>),
/// end in <c>*</c> for a prefix (<c>acme/*</c>), or be <c>*</c> alone for "present"; case does not matter.
/// </summary>
public sealed record PlaybookCondition(string Key, IReadOnlyList<string> Alternatives)
{
    /// <summary>The event attributes a rule can test: the ones the relay shows as the tag's attributes.</summary>
    public static readonly IReadOnlySet<string> Keys = new HashSet<string>(StringComparer.Ordinal)
    {
        "kind", "event_type", "severity", "repo", "service", "channel", "trust", "user",
    };

    public bool Matches(IReadOnlyDictionary<string, string> meta)
    {
        ArgumentNullException.ThrowIfNull(meta);
        if (!meta.TryGetValue(Key, out var value) || value.Length == 0)
        {
            return false;
        }

        foreach (var alternative in Alternatives)
        {
            var matches = alternative switch
            {
                "*" => true,
                [.. var prefix, '*'] => value.StartsWith(prefix, StringComparison.OrdinalIgnoreCase),
                _ => string.Equals(value, alternative, StringComparison.OrdinalIgnoreCase),
            };
            if (matches)
            {
                return true;
            }
        }

        return false;
    }

    public override string ToString() => $"{Key}={string.Join('|', Alternatives)}";
}
