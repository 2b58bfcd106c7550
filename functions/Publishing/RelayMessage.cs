using Serverless.Functions.Events;

namespace Serverless.Functions.Publishing;

/// <summary>What a relay receives from its group: an event and the receipt to acknowledge it with.</summary>
public sealed record RelayMessage(string Type, ChannelEvent Event, string Receipt);
