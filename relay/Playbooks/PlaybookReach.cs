using Serverless.Contracts;

namespace Serverless.Relay.Playbooks;

/// <summary>
/// Who can make a rule fire: the kinds of event that can meet its conditions (read from
/// <see cref="SourceKind"/>, which says how each source proves a delivery), and each in plain words for
/// <c>relay playbook check</c>. A rule's <c>do:</c> is the owner's instruction, so whoever can make it fire
/// borrows the owner's trust.
/// </summary>
public sealed record PlaybookReach(IReadOnlyList<SourceKind> Kinds)
{
    /// <summary>The <c>when:</c> condition that says, in so many words, that shared-token holders may make a rule fire.</summary>
    public const string OptIn = "trust=third_party";

    public static PlaybookReach Of(IReadOnlyList<PlaybookCondition> conditions)
    {
        ArgumentNullException.ThrowIfNull(conditions);
        var kind = Find(conditions, "kind");
        var trust = Find(conditions, "trust");
        return new PlaybookReach([.. SourceKind.All.Where(k =>
            (kind is null || kind.Alternatives.Any(a => PlaybookCondition.Matches(a, k.Name)))
            && (trust is null || trust.Alternatives.Any(a => PlaybookCondition.Matches(a, k.Trust))))]);
    }

    /// <summary>The sources whose token holder writes the whole event, and yet could make the rule fire.</summary>
    public IEnumerable<SourceKind> SharedTokenKinds => Kinds.Where(k => k.IsSharedToken);

    /// <summary>True when the rule names <see cref="OptIn"/> itself (not <c>trust=*</c>): shared-token holders are welcome.</summary>
    public static bool OptsIn(IReadOnlyList<PlaybookCondition> conditions) =>
        Find(conditions, "trust") is { } trust && trust.Alternatives.Contains(OptIn["trust=".Length..], StringComparer.OrdinalIgnoreCase);

    /// <summary>One line per kind of sender who can make the rule fire.</summary>
    public IReadOnlyList<string> Describe(IReadOnlyList<PlaybookCondition> conditions)
    {
        ArgumentNullException.ThrowIfNull(conditions);
        if (Kinds.Count == 0)
        {
            return ["nobody: no event can meet these conditions"];
        }

        return [.. Kinds.Select(k => Describe(k, conditions))];
    }

    private static string Describe(SourceKind kind, IReadOnlyList<PlaybookCondition> conditions)
    {
        switch (kind.Credential)
        {
            case SourceCredential.SharedToken:
                return kind == SourceKind.Generic
                    ? "anyone holding the generic webhook token"
                    : $"anyone holding the {kind.DisplayName} webhook token, or who can edit the alerts {kind.DisplayName} sends";
            case SourceCredential.ChatAllowlist:
                return Find(conditions, "user") is { } user
                    ? $"the allowlisted {kind.DisplayName} users with id {Either(user)}"
                    : $"the allowlisted {kind.DisplayName} users";
        }

        var text = kind.DisplayName;
        if (kind != SourceKind.GitHub && kind != SourceKind.GitLab)
        {
            return Find(conditions, "actor") is { } someone ? $"{text}, for events triggered by {Either(someone)}" : $"{text}, for whatever it sends to this channel";
        }

        text += Find(conditions, "repo") is { } repo
            ? $", for events in repositories matching {Either(repo)}"
            : ", for events in any repository whose webhook sends to this channel";
        if (Find(conditions, "branch") is { } branch)
        {
            text += $" on branch {Either(branch)}";
        }

        var notFromForks = Find(conditions, "fork") is { } fork && fork.Alternatives.All(a => string.Equals(a, "false", StringComparison.OrdinalIgnoreCase));
        return Find(conditions, "actor") is { } actor
            ? $"{text}, triggered by {Either(actor)}"
            : notFromForks
                ? $"{text}, by whoever can push there (not from forks)"
                : $"{text}, by whoever can push or open a pull request there (forks included)";
    }

    private static PlaybookCondition? Find(IReadOnlyList<PlaybookCondition> conditions, string key) => conditions.FirstOrDefault(c => c.Key == key);

    private static string Either(PlaybookCondition condition) => string.Join(" or ", condition.Alternatives);
}
