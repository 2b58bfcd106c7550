using Microsoft.Extensions.Logging.Abstractions;
using Moq;
using Serverless.Relay.Channel;
using Serverless.Relay.Connection;
using Serverless.Relay.Delivery;
using Serverless.Relay.Questions;

namespace Serverless.Tests.Relay.Delivery;

/// <summary>
/// An <see cref="EventDelivery"/> with waiting ask_user calls, over a mocked session and relay API that acknowledges
/// everything: what the tests of answer and decision events share.
/// </summary>
internal sealed class AnswerDeliveryHarness : IDisposable
{
    public AnswerDeliveryHarness()
    {
        Api.Setup(a => a.AcknowledgeAsync(It.IsAny<IReadOnlyList<string>>(), It.IsAny<IReadOnlyList<ReceiptDelivery?>?>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((IReadOnlyList<string> r, IReadOnlyList<ReceiptDelivery?>? _, CancellationToken _) => new AckResponse(r.Count, 0));
        Delivery = new EventDelivery(
            Sink.Object, Api.Object, Log, new RecentEvents(), new RelayStatus(TimeProvider.System), TimeProvider.System, NullLogger<EventDelivery>.Instance, questions: Signals);
    }

    public Mock<IChannelSink> Sink { get; } = new();

    public Mock<IRelayApi> Api { get; } = new();

    public DeliveredEventLog Log { get; } = new();

    public QuestionSignals Signals { get; } = new();

    public EventDelivery Delivery { get; }

    public void Dispose()
    {
        Delivery.Dispose();
        Log.Dispose();
    }
}
