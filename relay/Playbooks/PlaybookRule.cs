namespace Serverless.Relay.Playbooks;

/// <summary>A named rule: the events it is for (every condition holds), and what the session should do with them.</summary>
public sealed record PlaybookRule(string Name, IReadOnlyList<PlaybookCondition> Conditions, string Action, int Line)
{
    public bool Matches(IReadOnlyDictionary<string, string> meta) => Conditions.All(condition => condition.Matches(meta));

    public string When => string.Join(' ', Conditions);

    /// <summary>Who can make the rule fire, one line per kind of sender.</summary>
    public IReadOnlyList<string> FiredBy => PlaybookReach.Of(Conditions).Describe(Conditions);
}
