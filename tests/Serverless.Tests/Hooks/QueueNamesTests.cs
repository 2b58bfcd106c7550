using System.Text.RegularExpressions;
using Serverless.Functions.Inbox;

namespace Serverless.Tests.Hooks;

public class QueueNamesTests
{
    // Azure Storage queue names: 3-63 characters, lower-case letters, digits and single inner dashes.
    private static readonly Regex ValidQueueName = new("^[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]$");

    [Theory]
    [InlineData("default", "ch-default")]
    [InlineData("ops-team-1", "ch-ops-team-1")]
    [InlineData("a", "ch-a")]
    public void Channels_that_make_valid_queue_names_keep_their_name(string channel, string expected)
    {
        Assert.Equal(expected, QueueNames.ForChannel(channel));
    }

    [Theory]
    [InlineData("-")]
    [InlineData("a--b")]
    [InlineData("trailing-")]
    [InlineData("-leading")]
    [InlineData("a-very-long-channel-name-of-forty-chars0")]
    public void Every_channel_name_maps_to_a_valid_distinct_queue_name(string channel)
    {
        var name = QueueNames.ForChannel(channel);
        var deadLetter = QueueNames.DeadLetterFor(channel);

        Assert.Matches(ValidQueueName, name);
        Assert.Matches(ValidQueueName, deadLetter);
        Assert.NotEqual(name, QueueNames.ForChannel(channel + "x"));
    }
}
