using Serverless.Contracts;

namespace Serverless.Relay.Playbooks;

/// <summary>
/// One <c>key=value</c> of a rule's <c>when:</c> line. The value may list alternatives (<c>error|critical</c>),
/// end in <c>/*</c> for whole path segments under a prefix (<c>acme/*</c>), or be <c>*</c> alone for "present";
/// case does not matter.
/// </summary>
public sealed record PlaybookCondition(string Key, IReadOnlyList<string> Alternatives)
{
    /// <summary>What any value that is present matches.</summary>
    public const string Any = "*";

    /// <summary>How a prefix ends: a pattern matches by path segment, so <c>acme/*</c> is never <c>acmeco/shop</c>.</summary>
    public const string SegmentWildcard = "/*";

    /// <summary>The event attributes a rule can test: the ones the relay shows as the tag's attributes.</summary>
    public static readonly IReadOnlySet<string> Keys = EventField.Testables.Select(a => a.Key).ToHashSet(StringComparer.Ordinal);

    /// <summary>True when <paramref name="alternative"/> can be read: a value, <c>*</c>, or a prefix ending in <c>/*</c> with no other <c>*</c>.</summary>
    public static bool IsWellFormed(string alternative) =>
        alternative.Length > 0
        && (alternative == Any
            || !alternative.Contains('*', StringComparison.Ordinal)
            || (alternative.EndsWith(SegmentWildcard, StringComparison.Ordinal) && alternative.Length > SegmentWildcard.Length
                && alternative.IndexOf('*', StringComparison.Ordinal) == alternative.Length - 1));

    public bool Matches(IReadOnlyDictionary<string, string> meta)
    {
        ArgumentNullException.ThrowIfNull(meta);
        if (!meta.TryGetValue(Key, out var value) || value.Length == 0)
        {
            return false;
        }

        return Alternatives.Any(alternative => Matches(alternative, value));
    }

    /// <summary>
    /// A prefix <c>acme/*</c> matches a value that starts with the whole segment <c>acme/</c> and has more after
    /// it (<c>acme/shop</c>, <c>acme/x/y</c>), never <c>acme</c>, <c>acme/</c> or <c>evilacme/shop</c>.
    /// </summary>
    public static bool Matches(string alternative, string value) => alternative switch
    {
        Any => true,
        [.. var segments, '*'] => value.Length > segments.Length && value.StartsWith(segments, StringComparison.OrdinalIgnoreCase),
        _ => string.Equals(value, alternative, StringComparison.OrdinalIgnoreCase),
    };

    public override string ToString() => $"{Key}={string.Join('|', Alternatives)}";
}
