using Serverless.Functions.Events;

namespace Serverless.Functions.Relay;

/// <summary>Who called the relay API: the channels its token may use.</summary>
public sealed class RelayCaller(IReadOnlySet<string> channels)
{
    public IReadOnlySet<string> Channels { get; } = channels;

    public bool MayUse(string channel) => ChannelSet.Allows(Channels, channel);
}
