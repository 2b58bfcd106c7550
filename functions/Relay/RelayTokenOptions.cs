using Serverless.Functions.Events;

namespace Serverless.Functions.Relay;

/// <summary>
/// One accepted relay token (<c>Relay:Tokens:N</c>) and the channels it may use. The token is given as
/// <c>Secret</c>, or as <c>Sha256</c> (its SHA-256 in hex) so that configuration need not hold it.
/// </summary>
public sealed class RelayTokenOptions
{
    public string? Secret { get; set; }

    public string? Sha256 { get; set; }

    /// <summary>The channels this token may use (see <see cref="ChannelSet.Parse"/>); <c>*</c> for every channel.</summary>
    public string? Channels { get; set; }

    // A token's value never appears in a printed form of the options.
    public override string ToString() => $"relay token for {Channels}";
}
