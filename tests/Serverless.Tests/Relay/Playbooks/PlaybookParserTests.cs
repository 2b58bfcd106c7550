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
    [InlineData("## ok\nwhen: kind=a kind=b\ndo: x\n", 2, "given twice")]
    [InlineData("## ok\nwhen:\ndo: x\n", 2, "has no condition")]
    [InlineData("## has space\nwhen: kind=a\ndo: x\n", 1, "is not a rule name")]
    [InlineData("## a\nwhen: kind=a\ndo: x\n\n## a\nwhen: kind=b\ndo: y\n", 5, "comes earlier in the file")]
    [InlineData("## a\nstray words\nwhen: kind=a\ndo: x\n", 2, "expects a 'when:' line and a 'do:' line")]
    [InlineData("## a\nwhen: kind=a\nwhen: kind=b\ndo: x\n", 3, "second 'when:'")]
    public void A_playbook_that_cannot_be_read_is_refused_with_its_line(string text, int line, string reason)
    {
        var ex = Assert.Throws<PlaybookException>(() => PlaybookParser.Parse(text, "book.md"));

        Assert.Equal(line, ex.Line);
        Assert.Contains(reason, ex.Message, StringComparison.Ordinal);
        Assert.StartsWith($"book.md, line {line}: ", ex.Message, StringComparison.Ordinal);
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
