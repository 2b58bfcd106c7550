using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Serverless.Functions.Events;

namespace Serverless.Functions.Relay;

/// <summary>Finds the caller behind a presented relay token, comparing with every configured token in constant time.</summary>
public sealed class RelayAuthenticator(IOptions<RelayOptions> options)
{
    public RelayCaller? Authenticate(string? presented)
    {
        if (string.IsNullOrEmpty(presented))
        {
            return null;
        }

        var presentedHash = SHA256.HashData(Encoding.UTF8.GetBytes(presented));
        var channels = new HashSet<string>(StringComparer.Ordinal);
        var matched = false;
        foreach (var token in options.Value.Tokens)
        {
            // No early exit: every configured token is compared, so the time says nothing about which matched.
            var expected = ExpectedHash(token);
            var match = expected is not null && CryptographicOperations.FixedTimeEquals(presentedHash, expected);
            if (match)
            {
                matched = true;
                channels.UnionWith(ChannelSet.Parse(token.Channels));
            }
        }

        return matched ? new RelayCaller(channels) : null;
    }

    private static byte[]? ExpectedHash(RelayTokenOptions token)
    {
        if (!string.IsNullOrEmpty(token.Secret))
        {
            return SHA256.HashData(Encoding.UTF8.GetBytes(token.Secret));
        }

        try
        {
            return string.IsNullOrEmpty(token.Sha256) ? null : Convert.FromHexString(token.Sha256);
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
