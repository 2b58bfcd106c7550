using System.Text.Json.Nodes;
using Moq;
using Serverless.Contracts;
using Serverless.Relay.Channel;
using Serverless.Relay.Connection;
using Serverless.Relay.Delivery;
using Serverless.Relay.Questions;
using Serverless.Tests.Relay.Delivery;

namespace Serverless.Tests.Relay.Questions;

/// <summary>The answer event of an ask_user question goes to the call waiting for it: acknowledged, never shown as a channel event.</summary>
public sealed class AnswerEventDeliveryTests : IDisposable
{
    private const string QuestionId = "0193a0b1c2d3e4f5a6b7c8d9e0f1a2b3";
    private readonly AnswerDeliveryHarness _h = new();

    public void Dispose() => _h.Dispose();

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
        var wait = _h.Signals.NextAsync(QuestionId);

        await _h.Delivery.DeliverAsync(Answer("e1"), default);
        await _h.Delivery.FlushAcknowledgementsAsync();

        Assert.True(wait.IsCompletedSuccessfully);
        _h.Sink.VerifyNoOtherCalls();
        _h.Api.Verify(a => a.AcknowledgeAsync(It.Is<IReadOnlyList<string>>(r => r.Contains("m-e1:r")), It.IsAny<IReadOnlyList<ReceiptDelivery?>?>(), It.IsAny<CancellationToken>()), Times.Once);
        Assert.True(_h.Log.Contains("e1"));
    }

    [Fact]
    public async Task An_answer_event_no_call_waits_for_is_acknowledged_and_kept_for_the_call_that_asks_again()
    {
        await _h.Delivery.DeliverAsync(Answer("e2"), default);
        await _h.Delivery.FlushAcknowledgementsAsync();

        _h.Sink.VerifyNoOtherCalls();
        _h.Api.Verify(a => a.AcknowledgeAsync(It.IsAny<IReadOnlyList<string>>(), It.IsAny<IReadOnlyList<ReceiptDelivery?>?>(), It.IsAny<CancellationToken>()), Times.Once);
        Assert.True(_h.Signals.NextAsync(QuestionId).IsCompletedSuccessfully);
    }

    [Theory]
    [InlineData("third_party", $"questions/{QuestionId}")]
    [InlineData("allowlisted", "questions/not-an-id")]
    [InlineData("allowlisted", "#42")]
    public async Task An_event_that_only_looks_like_an_answer_is_shown_as_an_ordinary_event(string trust, string subject)
    {
        var wait = _h.Signals.NextAsync(QuestionId);

        await _h.Delivery.DeliverAsync(Answer("e3", trust, subject), default);

        _h.Sink.Verify(s => s.SendAsync(It.Is<ChannelNotification>(n => n.Meta["event_id"] == "e3"), It.IsAny<CancellationToken>()), Times.Once);
        Assert.False(wait.IsCompleted);
    }
}
