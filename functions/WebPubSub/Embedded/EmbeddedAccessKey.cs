using System.Security.Cryptography;
using Microsoft.Extensions.Options;

namespace Serverless.Functions.WebPubSub.Embedded;

/// <summary>
/// The key the embedded endpoint signs and checks its tokens with. The app both issues and checks them,
/// so nothing needs a fixed key: it is random per process unless <c>WebPubSub:EmbeddedAccessKey</c> sets
/// one for tools and tests. A published key would let anyone mint a token for any channel.
/// </summary>
public sealed class EmbeddedAccessKey(IOptions<WebPubSubOptions> options)
{
    public string Value { get; } = string.IsNullOrEmpty(options.Value.EmbeddedAccessKey)
        ? Convert.ToBase64String(RandomNumberGenerator.GetBytes(32))
        : options.Value.EmbeddedAccessKey;

    // The key never appears in a printed form of this object.
    public override string ToString() => "embedded Web PubSub access key";
}
