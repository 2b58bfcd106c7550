using System.Text;
using System.Text.RegularExpressions;
using Serverless.Contracts;

namespace Serverless.Relay.Playbooks;

/// <summary>
/// Reads a playbook file:
/// <code>
/// Any text before the first rule is general guidance.
///
/// ## ci-failed-main
/// when: kind=github event_type=workflow_run severity=error
/// do: Investigate, push a fix to a branch, and reply with the outcome.
/// </code>
/// Each rule is a <c>## name</c> heading, one <c>when:</c> line of conditions and a <c>do:</c> text that runs to the
/// next heading. Anything it cannot read is refused with the line it is on.
/// </summary>
public static partial class PlaybookParser
{
    /// <summary>The instructions are sent with every session start; a playbook longer than this is a mistake.</summary>
    public const int MaxLength = 32 * 1024;

    /// <exception cref="PlaybookException">The text is not a playbook; the message names the line.</exception>
    public static Playbook Parse(string text, string path)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length > MaxLength)
        {
            throw new PlaybookException(path, 1, $"the playbook is longer than {MaxLength / 1024} KiB; the whole of it goes to Claude at every start, so keep it short");
        }

        var guidance = new StringBuilder();
        var rules = new List<PlaybookRule>();
        RuleDraft? current = null;
        var lines = text.ReplaceLineEndings("\n").Split('\n');
        for (var index = 0; index < lines.Length; index++)
        {
            var number = index + 1;
            var line = lines[index];
            var trimmed = line.Trim();
            if (trimmed.StartsWith("## ", StringComparison.Ordinal))
            {
                Finish(current, rules, path);
                var name = trimmed[3..].Trim();
                if (!RuleName().IsMatch(name))
                {
                    throw new PlaybookException(path, number, $"'{Clip(name)}' is not a rule name: use 1 to 40 letters, digits, '-' or '_'");
                }

                if (rules.Any(r => r.Name == name))
                {
                    throw new PlaybookException(path, number, $"a rule named '{name}' comes earlier in the file");
                }

                current = new RuleDraft(name, number);
            }
            else if (trimmed.StartsWith("when:", StringComparison.OrdinalIgnoreCase))
            {
                if (current is null)
                {
                    throw new PlaybookException(path, number, "'when:' before any '## rule-name' heading");
                }

                if (current.Conditions is not null)
                {
                    throw new PlaybookException(path, number, $"rule '{current.Name}' has a second 'when:' line; put every condition on one");
                }

                current.Conditions = Conditions(trimmed["when:".Length..], path, number);
                Refuse(current.Name, current.Conditions, path, number);
            }
            else if (trimmed.StartsWith("do:", StringComparison.OrdinalIgnoreCase))
            {
                if (current is null)
                {
                    throw new PlaybookException(path, number, "'do:' before any '## rule-name' heading");
                }

                if (current.Action is not null)
                {
                    throw new PlaybookException(path, number, $"rule '{current.Name}' has a second 'do:' line; continue its text on the next lines instead");
                }

                current.Action = new StringBuilder(trimmed["do:".Length..].Trim());
            }
            else if (current is null)
            {
                guidance.AppendLine(line);
            }
            else if (current.Action is not null)
            {
                if (trimmed.Length > 0)
                {
                    current.Action.Append(current.Action.Length > 0 ? " " : string.Empty).Append(trimmed);
                }
            }
            else if (trimmed.Length > 0)
            {
                throw new PlaybookException(path, number, $"rule '{current.Name}' expects a 'when:' line and a 'do:' line, not '{Clip(trimmed)}'");
            }
        }

        Finish(current, rules, path);
        return new Playbook(path, guidance.ToString().Trim(), rules);
    }

    private static List<PlaybookCondition> Conditions(string text, string path, int number)
    {
        var conditions = new List<PlaybookCondition>();
        foreach (var term in text.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var equals = term.IndexOf('=', StringComparison.Ordinal);
            var key = equals < 0 ? term : term[..equals];
            if (!PlaybookCondition.Keys.Contains(key))
            {
                throw new PlaybookException(path, number, $"'{Clip(key)}' is not something an event has; use {string.Join(", ", PlaybookCondition.Keys)}");
            }

            var alternatives = equals < 0 ? [] : term[(equals + 1)..].Split('|');
            if (alternatives.Length == 0 || alternatives.Any(a => a.Length == 0))
            {
                throw new PlaybookException(path, number, $"'{Clip(term)}' needs a value after '=' (alternatives with '|', a prefix with a trailing '/*')");
            }

            if (alternatives.FirstOrDefault(a => !PlaybookCondition.IsWellFormed(a)) is { } pattern)
            {
                throw new PlaybookException(path, number, $"'{Clip(pattern)}' is not a pattern: '*' stands alone (any value) or ends a prefix after '/' (acme/*), so it matches whole path segments");
            }

            if (key == "kind" && alternatives.FirstOrDefault(a => a != PlaybookCondition.Any && SourceKind.Find(a) is null) is { } unknown)
            {
                throw new PlaybookException(path, number, $"'{Clip(unknown)}' is not a kind of event; use {string.Join(", ", SourceKind.All.Select(k => k.Name))}");
            }

            if (conditions.Any(c => c.Key == key))
            {
                throw new PlaybookException(path, number, $"'{key}' is given twice; list alternatives as {key}=a|b");
            }

            conditions.Add(new PlaybookCondition(key, alternatives));
        }

        if (conditions.Count == 0)
        {
            throw new PlaybookException(path, number, "'when:' has no condition, such as kind=github severity=error");
        }

        return conditions;
    }

    /// <summary>
    /// A rule's <c>do:</c> carries the owner's trust, so a rule that a holder of a shared webhook token could make
    /// fire (no <c>kind=</c>, or a kind such as generic or grafana) must say so in its own conditions.
    /// </summary>
    private static void Refuse(string name, IReadOnlyList<PlaybookCondition> conditions, string path, int number)
    {
        var shared = PlaybookReach.Of(conditions).SharedTokenKinds.ToList();
        if (shared.Count == 0 || PlaybookReach.OptsIn(conditions))
        {
            return;
        }

        var who = conditions.Any(c => c.Key == "kind")
            ? $"kind={string.Join('|', shared.Select(k => k.Name))} is proven by a shared token only, so anyone holding it can write such an event"
            : $"without kind= it also matches events that anyone holding a shared webhook token can write ({string.Join(", ", shared.Select(k => k.Name))})";
        throw new PlaybookException(path, number,
            $"rule '{name}' could be made to fire by someone other than you: {who}. Name the sources it is for (kind=github), or, if a token holder may trigger it, add {PlaybookReach.OptIn} to this line");
    }

    private static void Finish(RuleDraft? draft, List<PlaybookRule> rules, string path)
    {
        if (draft is null)
        {
            return;
        }

        if (draft.Conditions is null)
        {
            throw new PlaybookException(path, draft.Line, $"rule '{draft.Name}' has no 'when:' line");
        }

        if (draft.Action is null || draft.Action.Length == 0)
        {
            throw new PlaybookException(path, draft.Line, $"rule '{draft.Name}' has no 'do:' text");
        }

        rules.Add(new PlaybookRule(draft.Name, draft.Conditions, draft.Action.ToString(), draft.Line));
    }

    private static string Clip(string value) => value.Length <= 40 ? value : value[..40] + "…";

    [GeneratedRegex(@"\A[A-Za-z0-9_-]{1,40}\z")]
    private static partial Regex RuleName();

    private sealed class RuleDraft(string name, int line)
    {
        public string Name { get; } = name;

        public int Line { get; } = line;

        public IReadOnlyList<PlaybookCondition>? Conditions { get; set; }

        public StringBuilder? Action { get; set; }
    }
}
