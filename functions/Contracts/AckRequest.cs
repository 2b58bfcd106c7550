namespace Serverless.Contracts;

/// <summary>
/// <c>POST /api/relay/ack</c> (events that reached Claude Code) and <c>/api/relay/release</c> (events taken but not
/// shown): receipts of one channel. <see cref="Deliveries"/>, when sent, holds one entry per receipt in the same
/// order (null where the relay has nothing to tell); a relay that sends none is still understood.
/// </summary>
public sealed record AckRequest(string? Channel, IReadOnlyList<string>? Receipts, IReadOnlyList<ReceiptDelivery?>? Deliveries = null) : IChannelScoped;
