using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging.Abstractions;
using Moq;
using Serverless.Contracts;
using Serverless.Relay.Channel;
using Serverless.Relay.Connection;
using Serverless.Relay.Delivery;
using Serverless.Relay.Questions;

namespace Serverless.Tests.Relay.Questions;

/// <summary>The answer event of an ask_user question goes to the call waiting for it: acknowledged, never shown as a channel event.</summary>
public sealed class AnswerEventDeliveryTests : IDisposable
{
    private const string QuestionId = "0193a0b1c2d3e4f5a6b7c8d9e0f1a2b3";
    private readonly Mock<IChannelSink> _sink = new();
    private readonly Mock<IRelayApi> _api = new();
    private readonly DeliveredEventLog _log = new();
    private readonly QuestionSignals _signals = new();
    private readonly EventDelivery _delivery;

    public AnswerEventDeliveryTests()
    {
        _api.Setup(a => a.AcknowledgeAsync(It.IsAny<IReadOnlyList<string>>(), It.IsAny<IReadOnlyList<ReceiptDelivery?>?>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((IReadOnlyList<string> r, IReadOnlyList<ReceiptDelivery?>? _, CancellationToken _) => new AckResponse(r.Count, 0));
        _delivery = new EventDelivery(
            _sink.Object, _api.Object, _log, new RecentEvents(), new RelayStatus(TimeProvider.System), TimeProvider.System, NullLogger<EventDelivery>.Instance, questions: _signals);
    }

    public void Dispose()
    {
        _delivery.Dispose();
        _log.Dispose();
    }

    private static RelayEvent Answer(string id, string trust = "allowlisted", string subject = $"questions/{QuestionId}") =>
        RelayEvent.FromMessage(new JsonObject
        {
            ["type"] = "event",
            ["receipt"] = $"m-{id}:r",
            ["event"] = new JsonObject
            {
                ["id"] = id,
                ["kind"] = "telegram",
                ["eventtype"] = "answer",
                ["subject"] = subject,
                ["trust"] = trust,
                ["channel"] = "ops",
                ["summary"] = "Answer to question ...",
            },
        })!;

    [Fact]
    public async Task An_answer_event_wakes_the_waiting_call_and_is_acknowledged_but_not_shown()
    {
        var wait = _signals.NextAsync(QuestionId);

        await _delivery.DeliverAsync(Answer("e1"), default);
        await _delivery.FlushAcknowledgementsAsync();

        Assert.True(wait.IsCompletedSuccessfully);
        _sink.VerifyNoOtherCalls();
        _api.Verify(a => a.AcknowledgeAsync(It.Is<IReadOnlyList<string>>(r => r.Contains("m-e1:r")), It.IsAny<IReadOnlyList<ReceiptDelivery?>?>(), It.IsAny<CancellationToken>()), Times.Once);
        Assert.True(_log.Contains("e1"));
    }

    [Fact]
    public async Task An_answer_event_no_call_waits_for_is_acknowledged_and_kept_for_the_call_that_asks_again()
    {
        await _delivery.DeliverAsync(Answer("e2"), default);
        await _delivery.FlushAcknowledgementsAsync();

        _sink.VerifyNoOtherCalls();
        _api.Verify(a => a.AcknowledgeAsync(It.IsAny<IReadOnlyList<string>>(), It.IsAny<IReadOnlyList<ReceiptDelivery?>?>(), It.IsAny<CancellationToken>()), Times.Once);
        Assert.True(_signals.NextAsync(QuestionId).IsCompletedSuccessfully);
    }

    [Theory]
    [InlineData("third_party", $"questions/{QuestionId}")]
    [InlineData("allowlisted", "questions/not-an-id")]
    [InlineData("allowlisted", "#42")]
    public async Task An_event_that_only_looks_like_an_answer_is_shown_as_an_ordinary_event(string trust, string subject)
    {
        var wait = _signals.NextAsync(QuestionId);

        await _delivery.DeliverAsync(Answer("e3", trust, subject), default);

        _sink.Verify(s => s.SendAsync(It.Is<ChannelNotification>(n => n.Meta["event_id"] == "e3"), It.IsAny<CancellationToken>()), Times.Once);
        Assert.False(wait.IsCompleted);
    }
}
