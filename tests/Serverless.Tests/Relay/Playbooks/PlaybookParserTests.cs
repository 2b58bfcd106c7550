using Serverless.Relay.Channel;
using Serverless.Relay.Playbooks;

namespace Serverless.Tests.Relay.Playbooks;

public class PlaybookParserTests
{
    private const string Sample = """
        # Channel playbook

        Work on a branch, never on main. Keep replies short.

        ## ci-failed-main
        when: kind=github event_type=workflow_run severity=error|critical repo=acme/*
        do: Investigate the failed run, push a fix to a branch named fix/ci-RUN,
        and reply with the outcome.

        ## pages
        when: kind=pagerduty
        do: Look at the service's recent deploys and reply with what changed.
        """;

    private static Dictionary<string, string> Event(params (string Key, string Value)[] attributes) =>
        attributes.ToDictionary(a => a.Key, a => a.Value, StringComparer.Ordinal);

    [Fact]
    public void Rules_are_read_in_order_with_their_conditions_and_the_text_before_them_is_guidance()
    {
        var playbook = PlaybookParser.Parse(Sample, "/p/.claude/channel-playbook.md");

        Assert.Equal(["ci-failed-main", "pages"], playbook.Rules.Select(r => r.Name));
        Assert.Equal("kind=github event_type=workflow_run severity=error|critical repo=acme/*", playbook.Rules[0].When);
        Assert.Equal("Investigate the failed run, push a fix to a branch named fix/ci-RUN, and reply with the outcome.", playbook.Rules[0].Action);
        Assert.Equal(5, playbook.Rules[0].Line);
        Assert.Contains("Work on a branch, never on main.", playbook.Guidance, StringComparison.Ordinal);
    }

    [Fact]
    public void An_event_matches_the_first_rule_whose_conditions_all_hold()
    {
        var playbook = PlaybookParser.Parse(Sample, "p.md");

        Assert.Equal("ci-failed-main", playbook.Match(Event(("kind", "github"), ("event_type", "workflow_run"), ("severity", "CRITICAL"), ("repo", "acme/shop")))?.Name);
        Assert.Equal("pages", playbook.Match(Event(("kind", "pagerduty"), ("severity", "info")))?.Name);
        // One condition short: a warning, another owner's repository, an attribute the event does not have.
        Assert.Null(playbook.Match(Event(("kind", "github"), ("event_type", "workflow_run"), ("severity", "warning"), ("repo", "acme/shop"))));
        Assert.Null(playbook.Match(Event(("kind", "github"), ("event_type", "workflow_run"), ("severity", "error"), ("repo", "other/shop"))));
        Assert.Null(playbook.Match(Event(("kind", "github"), ("event_type", "workflow_run"), ("severity", "error"))));
        Assert.Null(playbook.Match(Event(("kind", "generic"))));
    }

    [Fact]
    public void The_instructions_carry_the_guidance_and_every_rule_and_say_they_come_from_the_owner()
    {
        var instructions = ChannelInstructions.For("ops", PlaybookParser.Parse(Sample, "/p/.claude/channel-playbook.md"));

        Assert.Contains("untrusted", instructions, StringComparison.Ordinal);
        Assert.Contains("comes from\nthe owner", instructions.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.Contains("playbook=\"NAME\"", instructions, StringComparison.Ordinal);
        Assert.Contains("Rule ci-failed-main (for events with kind=github event_type=workflow_run severity=error|critical repo=acme/*): Investigate", instructions, StringComparison.Ordinal);
        Assert.Contains("Rule pages (for events with kind=pagerduty): Look at", instructions, StringComparison.Ordinal);
        Assert.Contains("Work on a branch, never on main.", instructions, StringComparison.Ordinal);
        Assert.Equal(ChannelInstructions.For("ops"), ChannelInstructions.For("ops", Playbook.None));
    }

    [Theory]
    [InlineData("## ok\nwhen: kind=github\n", 1, "has no 'do:' text")]
    [InlineData("## ok\ndo: something\n", 1, "has no 'when:' line")]
    [InlineData("intro\nwhen: kind=github\n", 2, "'when:' before any")]
    [InlineData("## ok\nwhen: kind=github colour=red\ndo: x\n", 2, "'colour' is not something an event has")]
    [InlineData("## ok\nwhen: kind=\ndo: x\n", 2, "needs a value after '='")]
    [InlineData("## ok\nwhen: kind=github kind=gitlab\ndo: x\n", 2, "given twice")]
    [InlineData("## ok\nwhen:\ndo: x\n", 2, "has no condition")]
    [InlineData("## has space\nwhen: kind=github\ndo: x\n", 1, "is not a rule name")]
    [InlineData("## a\nwhen: kind=github\ndo: x\n\n## a\nwhen: kind=gitlab\ndo: y\n", 5, "comes earlier in the file")]
    [InlineData("## a\nstray words\nwhen: kind=github\ndo: x\n", 2, "expects a 'when:' line and a 'do:' line")]
    [InlineData("## a\nwhen: kind=github\nwhen: kind=gitlab\ndo: x\n", 3, "second 'when:'")]
    [InlineData("## a\nwhen: kind=githib\ndo: x\n", 2, "'githib' is not a kind of event; use generic, standard, github")]
    [InlineData("## a\nwhen: kind=github repo=acme*\ndo: x\n", 2, "'acme*' is not a pattern: '*' stands alone (any value) or ends a prefix after '/' (acme/*)")]
    [InlineData("## a\nwhen: kind=github repo=*/shop\ndo: x\n", 2, "'*/shop' is not a pattern")]
    [InlineData("## a\nwhen: kind=github repo=acme/*/x/*\ndo: x\n", 2, "'acme/*/x/*' is not a pattern")]
    public void A_playbook_that_cannot_be_read_is_refused_with_its_line(string text, int line, string reason)
    {
        var ex = Assert.Throws<PlaybookException>(() => PlaybookParser.Parse(text, "book.md"));

        Assert.Equal(line, ex.Line);
        Assert.Contains(reason, ex.Message, StringComparison.Ordinal);
        Assert.StartsWith($"book.md, line {line}: ", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("acme/shop", true)]
    [InlineData("ACME/Shop", true)]
    [InlineData("acme/x/y", true)]
    [InlineData("evilacme/shop", false)]
    [InlineData("acmeco/shop", false)]
    [InlineData("acme", false)]
    [InlineData("acme/", false)]
    [InlineData("other/acme/shop", false)]
    public void A_prefix_pattern_matches_by_whole_path_segment(string repo, bool matches)
    {
        var playbook = PlaybookParser.Parse("## ours\nwhen: kind=github repo=acme/*\ndo: x\n", "p.md");

        Assert.Equal(matches, playbook.Match(Event(("kind", "github"), ("repo", repo))) is not null);
    }

    [Theory]
    [InlineData("when: event_type=workflow_run severity=error", "without kind= it also matches events that anyone holding a shared webhook token can write (generic, grafana, alertmanager, datadog, azuremonitor)")]
    [InlineData("when: kind=generic severity=error", "kind=generic is proven by a shared token only, so anyone holding it can write such an event")]
    [InlineData("when: kind=pagerduty|grafana|alertmanager severity=critical", "kind=grafana|alertmanager is proven by a shared token only")]
    [InlineData("when: kind=* severity=critical", "kind=generic|grafana|alertmanager|datadog|azuremonitor is proven by a shared token only")]
    [InlineData("when: trust=* severity=critical", "without kind= it also matches")]
    public void A_rule_that_a_shared_token_holder_could_make_fire_is_refused_and_told_how_to_opt_in(string when, string reason)
    {
        var ex = Assert.Throws<PlaybookException>(() => PlaybookParser.Parse($"intro\n\n## ci\n{when}\ndo: push a fix\n", "book.md"));

        Assert.StartsWith("book.md, line 4: rule 'ci' could be made to fire by someone other than you: ", ex.Message, StringComparison.Ordinal);
        Assert.Contains(reason, ex.Message, StringComparison.Ordinal);
        Assert.EndsWith("Name the sources it is for (kind=github), or, if a token holder may trigger it, add trust=third_party to this line", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("when: kind=generic severity=error trust=third_party")]
    [InlineData("when: event_type=workflow_run trust=third_party")]
    [InlineData("when: kind=grafana|pagerduty trust=allowlisted|third_party")]
    [InlineData("when: trust=allowlisted")]
    [InlineData("when: kind=github|gitlab|pagerduty|sentry|standard|telegram|slack|discord")]
    public void A_rule_that_says_token_holders_may_fire_it_or_that_only_they_cannot_is_read(string when) =>
        Assert.Single(PlaybookParser.Parse($"## ok\n{when}\ndo: x\n", "book.md").Rules);

    [Fact]
    public void Each_rule_says_who_can_make_it_fire()
    {
        var playbook = PlaybookParser.Parse("""
            ## main
            when: kind=github event_type=workflow_run severity=error repo=acme/shop branch=main fork=false
            do: x
            ## any-pr
            when: kind=github|gitlab repo=acme/*
            do: x
            ## by-alice
            when: kind=github actor=alice
            do: x
            ## chat
            when: kind=slack|telegram user=U0ALICE1
            do: x
            ## pages
            when: kind=pagerduty|grafana trust=third_party
            do: x
            ## anything
            when: event_type=deploy trust=third_party
            do: x
            ## never
            when: kind=github trust=allowlisted
            do: x
            """, "p.md");
        var firedBy = playbook.Rules.ToDictionary(r => r.Name, r => r.FiredBy);

        Assert.Equal(["GitHub, for events in repositories matching acme/shop on branch main, by whoever can push there (not from forks)"], firedBy["main"]);
        Assert.Equal([
            "GitHub, for events in repositories matching acme/*, by whoever can push or open a pull request there (forks included)",
            "GitLab, for events in repositories matching acme/*, by whoever can push or open a pull request there (forks included)"], firedBy["any-pr"]);
        Assert.Equal(["GitHub, for events in any repository whose webhook sends to this channel, triggered by alice"], firedBy["by-alice"]);
        Assert.Equal(["the allowlisted Telegram users with id U0ALICE1", "the allowlisted Slack users with id U0ALICE1"], firedBy["chat"]);
        Assert.Equal(["PagerDuty, for whatever it sends to this channel", "anyone holding the Grafana webhook token, or who can edit the alerts Grafana sends"], firedBy["pages"]);
        Assert.Contains("anyone holding the generic webhook token", firedBy["anything"]);
        Assert.DoesNotContain(firedBy["anything"], w => w.Contains("allowlisted", StringComparison.Ordinal));
        Assert.Equal(["nobody: no event can meet these conditions"], firedBy["never"]);
    }

    [Fact]
    public void Without_a_file_there_is_no_playbook_and_a_named_file_that_is_missing_is_an_error()
    {
        var empty = Directory.CreateTempSubdirectory();
        try
        {
            Assert.Same(Playbook.None, PlaybookFile.Load(null, empty.FullName).Playbook);
            var (missing, error) = PlaybookFile.Load(Path.Combine(empty.FullName, "nope.md"), empty.FullName);
            Assert.Null(missing);
            Assert.Contains("does not exist", error, StringComparison.Ordinal);

            Directory.CreateDirectory(Path.Combine(empty.FullName, ".claude"));
            File.WriteAllText(Path.Combine(empty.FullName, PlaybookFile.DefaultPath), "## pages\nwhen: kind=pagerduty\ndo: look\n");
            Assert.Equal(["pages"], PlaybookFile.Load(null, empty.FullName).Playbook!.Rules.Select(r => r.Name));
        }
        finally
        {
            empty.Delete(recursive: true);
        }
    }
}
