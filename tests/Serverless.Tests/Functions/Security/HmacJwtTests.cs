using System.Text.Json.Nodes;
using Serverless.Functions.Security;

namespace Serverless.Tests.Functions.Security;

public class HmacJwtTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);

    private static string Token(string audience = "https://x/client/hubs/h", DateTimeOffset? exp = null, string key = "short-key") =>
        HmacJwt.Create(
            new JsonObject
            {
                ["aud"] = audience,
                ["exp"] = (exp ?? Now.AddHours(1)).ToUnixTimeSeconds(),
                ["sub"] = "u1",
                ["webpubsub.group"] = new JsonArray("a", "b"),
            },
            key);

    [Fact]
    public void A_token_signed_with_a_short_key_validates_and_keeps_its_claims()
    {
        var result = HmacJwt.Validate(Token(), "short-key", "https://x/client/hubs/h", Now);

        Assert.True(result.IsValid, result.Error);
        Assert.Equal("u1", (string?)result.Claims["sub"]);
        Assert.Equal(["a", "b"], HmacJwt.GetStrings(result.Claims, "webpubsub.group"));
    }

    [Fact]
    public void The_token_is_unpadded_base64url_with_an_HS256_header()
    {
        var token = Token();
        Assert.DoesNotContain('=', token);
        Assert.DoesNotContain('+', token);
        Assert.DoesNotContain('/', token);
        Assert.StartsWith("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.", token, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("other-key", "https://x/client/hubs/h", 0, "invalid signature")]
    [InlineData("short-key", "https://y/client/hubs/h", 0, "audience mismatch")]
    [InlineData("short-key", "https://x/client/hubs/h", -2, "expired")]
    public void Refuses_wrong_key_wrong_audience_and_expired_tokens(string key, string audience, int expHoursFromNow, string reason)
    {
        var token = Token(exp: Now.AddHours(expHoursFromNow == 0 ? 1 : expHoursFromNow));

        var result = HmacJwt.Validate(token, key, audience, Now);

        Assert.False(result.IsValid);
        Assert.Equal(reason, result.Error);
    }

    [Fact]
    public void Refuses_a_token_whose_payload_was_changed()
    {
        var parts = Token().Split('.');
        var forged = HmacJwt.Create(new JsonObject { ["aud"] = "https://x/client/hubs/h", ["exp"] = Now.AddDays(9).ToUnixTimeSeconds() }, "attacker");
        var spliced = $"{parts[0]}.{forged.Split('.')[1]}.{parts[2]}";

        Assert.Equal("invalid signature", HmacJwt.Validate(spliced, "short-key", "https://x/client/hubs/h", Now).Error);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("abc")]
    [InlineData("a.b.c")]
    public void Refuses_malformed_tokens(string? token)
    {
        Assert.False(HmacJwt.Validate(token, "k", "https://x", Now).IsValid);
    }
}
