using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Serverless.Functions.Events;
using Serverless.Functions.Inbox;

namespace Serverless.Tests.Functions.Inbox;

public class QueueNamesTests
{
    // Azure Storage queue names: 3-63 characters, lower-case letters, digits and single inner dashes.
    private static readonly Regex ValidQueueName = new(@"\A[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]\z");

    [Theory]
    [InlineData("default", "ch-default", "dl-default")]
    [InlineData("ops-team-1", "ch-ops-team-1", "dl-ops-team-1")]
    [InlineData("a", "ch-a", "dl-a")]
    public void Channels_that_make_valid_queue_names_keep_their_name(string channel, string inbox, string deadLetter)
    {
        Assert.Equal(inbox, QueueNames.ForChannel(channel));
        Assert.Equal(deadLetter, QueueNames.DeadLetterFor(channel));
    }

    [Fact]
    public void A_channel_named_like_another_channels_dead_letter_queue_gets_a_queue_of_its_own()
    {
        // Before, channel "ops-poison" had the queue "ch-ops-poison", which was the dead-letter queue of "ops".
        Assert.NotEqual(QueueNames.DeadLetterFor("ops"), QueueNames.ForChannel("ops-poison"));
    }

    [Fact]
    public void A_channel_named_like_another_channels_hashed_queue_gets_a_queue_of_its_own()
    {
        var hashed = QueueNames.ForChannel("a--b");
        var imitation = hashed[QueueNames.InboxPrefix.Length..][..Math.Min(40, hashed.Length - QueueNames.InboxPrefix.Length)];

        Assert.True(ChannelName.IsValid(imitation));
        Assert.NotEqual(hashed, QueueNames.ForChannel(imitation));
        Assert.NotEqual(QueueNames.DeadLetterFor("a--b"), QueueNames.DeadLetterFor(imitation));
    }

    public static IEnumerable<string> EdgeCases()
    {
        yield return "-";
        yield return "--";
        yield return "a--b";
        yield return "trailing-";
        yield return "-leading";
        yield return "ops";
        yield return "ops-poison";
        yield return "poison";
        yield return "x";
        yield return "dl-ops";
        yield return "ch-ops";
        yield return "a-very-long-channel-name-of-forty-chars0";
        yield return new string('-', 40);
        yield return new string('9', 40);
        foreach (var odd in new[] { "a--b", "-", "trailing-" })
        {
            // Channels that imitate the hashed names, in every length a channel can have.
            var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(odd)));
            yield return hash[..40];
            yield return "x" + hash[..39];
        }

        var random = new Random(20261125);
        const string Alphabet = "ab-";
        for (var i = 0; i < 3000; i++)
        {
            yield return new string([.. Enumerable.Range(0, random.Next(1, 8)).Select(_ => Alphabet[random.Next(Alphabet.Length)])]);
        }
    }

    [Fact]
    public void Every_inbox_and_dead_letter_name_is_a_valid_queue_name_and_no_two_channels_share_one()
    {
        var channels = EdgeCases().Where(ChannelName.IsValid).Distinct().ToList();
        var owners = new Dictionary<string, string>(StringComparer.Ordinal);

        foreach (var channel in channels)
        {
            foreach (var name in new[] { QueueNames.ForChannel(channel), QueueNames.DeadLetterFor(channel) })
            {
                Assert.Matches(ValidQueueName, name);
                Assert.True(owners.TryAdd(name, channel), $"'{name}' is the queue of both '{owners.GetValueOrDefault(name)}' and '{channel}'");
            }
        }

        Assert.True(channels.Count > 500);
    }
}
