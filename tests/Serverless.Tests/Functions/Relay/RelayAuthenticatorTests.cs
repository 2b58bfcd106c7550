using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Serverless.Functions.Relay;

namespace Serverless.Tests.Functions.Relay;

public class RelayAuthenticatorTests
{
    private static RelayAuthenticator With(params RelayTokenOptions[] tokens)
    {
        var options = new RelayOptions();
        foreach (var token in tokens)
        {
            options.Tokens.Add(token);
        }

        return new RelayAuthenticator(Options.Create(options));
    }

    [Fact]
    public void Two_tokens_of_the_same_channels_are_valid_at_once_during_a_rotation()
    {
        var authenticator = With(
            new RelayTokenOptions { Secret = "old-token-0123456789", Channels = "ops" },
            new RelayTokenOptions { Secret = "new-token-0123456789", Channels = "ops" });

        Assert.True(authenticator.Authenticate("old-token-0123456789")!.MayUse("ops"));
        Assert.True(authenticator.Authenticate("new-token-0123456789")!.MayUse("ops"));
        Assert.Null(authenticator.Authenticate("another-token-01234"));
        Assert.Null(authenticator.Authenticate(null));
        Assert.Null(authenticator.Authenticate(string.Empty));
    }

    [Fact]
    public void A_token_may_use_only_its_channels_and_star_means_all()
    {
        var authenticator = With(
            new RelayTokenOptions { Secret = "alice-token-0123456789", Channels = "alice, alice-ci" },
            new RelayTokenOptions { Secret = "admin-token-0123456789", Channels = "*" });

        var alice = authenticator.Authenticate("alice-token-0123456789")!;
        Assert.True(alice.MayUse("alice"));
        Assert.True(alice.MayUse("alice-ci"));
        Assert.False(alice.MayUse("bob"));
        Assert.True(authenticator.Authenticate("admin-token-0123456789")!.MayUse("bob"));
    }

    [Fact]
    public void A_token_given_by_its_hash_matches_the_token_and_not_the_hash()
    {
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes("hashed-token-0123456789")));
        var authenticator = With(
            new RelayTokenOptions { Sha256 = hash.ToUpperInvariant(), Channels = "ops" },
            new RelayTokenOptions { Sha256 = "not hex", Channels = "ops" });

        Assert.True(authenticator.Authenticate("hashed-token-0123456789")!.MayUse("ops"));
        Assert.Null(authenticator.Authenticate(hash));
        Assert.Null(authenticator.Authenticate("not hex"));
    }

    [Fact]
    public void Options_never_print_a_token()
    {
        Assert.DoesNotContain("secret-value", new RelayTokenOptions { Secret = "secret-value", Channels = "ops" }.ToString(), StringComparison.Ordinal);
    }
}
