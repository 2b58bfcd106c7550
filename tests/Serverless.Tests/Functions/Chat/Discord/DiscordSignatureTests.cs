using System.Text;
using Serverless.Functions.Chat.Discord;
using Serverless.Testing;

namespace Serverless.Tests.Functions.Chat.Discord;

public class DiscordSignatureTests
{
    // RFC 8032's first Ed25519 test key; the signature was made with Node's own crypto.sign(null, data, key)
    // over "1764032400" + Body, so the scheme itself is proven, not only agreement with our signer.
    private const string Rfc8032PublicKey = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";
    private const string Body = """{"type":1,"id":"1","application_id":"2","token":"t","version":1}""";
    private const string NodeSignature = "392143ceaafb1fa81b35d9e65824f78025b32258aacc86a6f0037b9376ffde37220e6ab146af59953d556432fd6ce885d37cd82b019763b63bb4c01638bfe502";
    private static readonly DateTimeOffset SignedAt = DateTimeOffset.FromUnixTimeSeconds(1764032400);

    [Fact]
    public void A_signature_made_by_node_with_an_rfc_8032_key_is_valid()
    {
        Assert.Equal(DiscordSignatureCheck.Valid, DiscordSignature.Check(Rfc8032PublicKey, NodeSignature, "1764032400", Encoding.UTF8.GetBytes(Body), SignedAt));
    }

    [Fact]
    public void The_node_signature_is_invalid_for_a_body_changed_by_one_byte_or_another_timestamp()
    {
        var changed = Encoding.UTF8.GetBytes(Body);
        changed[^2] ^= 1;

        Assert.Equal(DiscordSignatureCheck.Invalid, DiscordSignature.Check(Rfc8032PublicKey, NodeSignature, "1764032400", changed, SignedAt));
        Assert.Equal(DiscordSignatureCheck.Invalid, DiscordSignature.Check(Rfc8032PublicKey, NodeSignature, "1764032401", Encoding.UTF8.GetBytes(Body), SignedAt));
    }

    [Fact]
    public void A_signature_of_a_generated_key_pair_is_valid_and_fails_with_another_key_or_one_changed_byte()
    {
        using var signer = new DiscordSigner();
        using var other = new DiscordSigner();
        var now = DateTimeOffset.UtcNow;
        var timestamp = DiscordSigner.Timestamp(now);
        var body = Encoding.UTF8.GetBytes(Body);
        var signature = signer.Sign(timestamp, body);
        var flipped = Convert.FromHexString(signature);
        flipped[10] ^= 0x20;

        Assert.Equal(DiscordSignatureCheck.Valid, DiscordSignature.Check(signer.PublicKeyHex, signature, timestamp, body, now));
        Assert.Equal(DiscordSignatureCheck.Invalid, DiscordSignature.Check(other.PublicKeyHex, signature, timestamp, body, now));
        Assert.Equal(DiscordSignatureCheck.Invalid, DiscordSignature.Check(signer.PublicKeyHex, Convert.ToHexStringLower(flipped), timestamp, body, now));
    }

    [Theory]
    [InlineData(-301, DiscordSignatureCheck.Stale)]
    [InlineData(301, DiscordSignatureCheck.Stale)]
    [InlineData(-299, DiscordSignatureCheck.Valid)]
    [InlineData(299, DiscordSignatureCheck.Valid)]
    public void A_timestamp_more_than_five_minutes_from_now_either_way_is_stale(int secondsFromNow, DiscordSignatureCheck expected)
    {
        using var signer = new DiscordSigner();
        var now = DateTimeOffset.UtcNow;
        var timestamp = DiscordSigner.Timestamp(now.AddSeconds(secondsFromNow));
        var body = Encoding.UTF8.GetBytes(Body);

        Assert.Equal(expected, DiscordSignature.Check(signer.PublicKeyHex, signer.Sign(timestamp, body), timestamp, body, now));
    }

    [Theory]
    [InlineData(null, "1764032400")]
    [InlineData("", "1764032400")]
    [InlineData("zz", "1764032400")]
    [InlineData(NodeSignature, null)]
    [InlineData(NodeSignature, "")]
    [InlineData(NodeSignature, "1764032400.5")]
    [InlineData(NodeSignature, "99999999999999999999999")]
    public void Missing_or_malformed_headers_are_invalid(string? signature, string? timestamp)
    {
        Assert.Equal(DiscordSignatureCheck.Invalid, DiscordSignature.Check(Rfc8032PublicKey, signature, timestamp, Encoding.UTF8.GetBytes(Body), SignedAt));
    }

    [Theory]
    [InlineData(Rfc8032PublicKey, true)]
    [InlineData("D75A980182B10AB7D54BFED3C964073A0EE172F3DAA62325AF021A68F707511A", true)]
    [InlineData("d75a98", false)]
    [InlineData("g75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", false)]
    public void A_public_key_is_64_hex_characters(string key, bool valid)
    {
        Assert.Equal(valid, DiscordSignature.IsPublicKey(key));
    }
}
