using System.Globalization;
using System.Text;
using Serverless.Functions.Chat.Slack;
using Serverless.Testing;

namespace Serverless.Tests.Functions.Chat.Slack;

/// <summary>Slack's request signing, against signatures computed independently of the code under test (<see cref="SlackRequests.Sign"/>).</summary>
public sealed class SlackSignatureTests
{
    private const string Secret = "8f742231b10e8888abcd99yyyzzz85a5";
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000);
    private static readonly byte[] Body = Encoding.UTF8.GetBytes("token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&command=%2Fweather&text=94070");

    private static string Sign(string secret, string timestamp, byte[] body) => SlackRequests.Sign(secret, timestamp, body);

    private static string Stamp(DateTimeOffset at) => at.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);

    [Fact]
    public void A_request_signed_with_the_signing_secret_is_valid()
    {
        var timestamp = Stamp(Now);

        Assert.Equal(SlackSignatureCheck.Valid, SlackSignature.Check(Sign(Secret, timestamp, Body), timestamp, Body, Secret, Now));
    }

    [Fact]
    public void A_body_changed_by_one_byte_is_refused()
    {
        var timestamp = Stamp(Now);
        var signature = Sign(Secret, timestamp, Body);
        var changed = (byte[])Body.Clone();
        changed[^1] ^= 1;

        Assert.Equal(SlackSignatureCheck.Wrong, SlackSignature.Check(signature, timestamp, changed, Secret, Now));
    }

    [Fact]
    public void A_signature_made_with_another_secret_is_refused()
    {
        var timestamp = Stamp(Now);

        Assert.Equal(SlackSignatureCheck.Wrong, SlackSignature.Check(Sign("another-signing-secret", timestamp, Body), timestamp, Body, Secret, Now));
    }

    [Fact]
    public void A_signature_over_another_timestamp_is_refused()
    {
        Assert.Equal(SlackSignatureCheck.Wrong, SlackSignature.Check(Sign(Secret, Stamp(Now.AddSeconds(-1)), Body), Stamp(Now), Body, Secret, Now));
    }

    [Theory]
    [InlineData(-301)]
    [InlineData(301)]
    [InlineData(-86_400)]
    public void A_timestamp_more_than_five_minutes_from_now_is_stale_even_with_a_good_signature(int seconds)
    {
        var timestamp = Stamp(Now.AddSeconds(seconds));

        Assert.Equal(SlackSignatureCheck.Stale, SlackSignature.Check(Sign(Secret, timestamp, Body), timestamp, Body, Secret, Now));
    }

    [Theory]
    [InlineData(-300)]
    [InlineData(299)]
    public void A_timestamp_within_five_minutes_is_accepted(int seconds)
    {
        var timestamp = Stamp(Now.AddSeconds(seconds));

        Assert.Equal(SlackSignatureCheck.Valid, SlackSignature.Check(Sign(Secret, timestamp, Body), timestamp, Body, Secret, Now));
    }

    [Theory]
    [InlineData(null, "1700000000")]
    [InlineData("v0=abc", null)]
    [InlineData("v0=abc", "not-a-number")]
    [InlineData("", "1700000000")]
    public void A_missing_signature_or_timestamp_is_refused(string? signature, string? timestamp)
    {
        Assert.Equal(SlackSignatureCheck.Missing, SlackSignature.Check(signature, timestamp, Body, Secret, Now));
    }

    [Theory]
    [InlineData("v1=")]
    [InlineData("")]
    [InlineData("V0=")]
    public void A_signature_of_another_version_is_refused(string prefix)
    {
        var timestamp = Stamp(Now);
        var signature = prefix + Sign(Secret, timestamp, Body)["v0=".Length..];

        Assert.Equal(SlackSignatureCheck.Wrong, SlackSignature.Check(signature, timestamp, Body, Secret, Now));
    }
}
