using System.Collections.Concurrent;
using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using ModelContextProtocol;
using Moq;
using Serverless.Relay.Connection;
using Serverless.Relay.Questions;
using Serverless.Tests.Relay.Delivery;

namespace Serverless.Tests.Relay.Questions;

/// <summary>One ask_user call on a clock the test moves: what wakes it, what it reads, what it reports and returns.</summary>
public sealed class AskUserTests
{
    private const string Id = "0193a0b1c2d3e4f5a6b7c8d9e0f1a2b3";
    private static readonly AskRequest Question = new(null, "Deploy to production?", ["Deploy", "Wait"], "111", null, null, null);
    private readonly Mock<IQuestionApi> _api = new(MockBehavior.Strict);
    private readonly QuestionSignals _signals = new();
    private readonly SteppedTimeProvider _time = new();
    private readonly ProgressLog _progress = new();

    private AskUser AskUser() => new(_api.Object, _signals, _time, NullLogger<AskUser>.Instance, new AskUserOptions { CheckInterval = TimeSpan.FromSeconds(15) });

    private QuestionStatus Status(QuestionState state, int secondsLeft, int timeout = 600) =>
        new(Id, state, "111", Question.Question!, Question.Options!, timeout, _time.GetUtcNow(), _time.GetUtcNow().AddSeconds(secondsLeft), secondsLeft) { Via = "telegram" };

    private QuestionStatus Answered(string answer, int? option) =>
        Status(QuestionState.Answered, 0) with { Answer = answer, Option = option, AnsweredBy = "@alice" };

    [Fact]
    public async Task An_answer_event_wakes_the_waiting_call_which_returns_the_answer_the_app_holds()
    {
        _api.Setup(a => a.AskAsync(Question, It.IsAny<CancellationToken>())).ReturnsAsync(Status(QuestionState.Waiting, 600));
        _api.Setup(a => a.GetQuestionAsync(Id, It.IsAny<CancellationToken>())).ReturnsAsync(Answered("Wait", 1));

        var call = AskUser().AskAsync(Question, _progress, default);
        await Eventually.TrueAsync(() => _signals.Waiting == 1);
        Assert.True(_signals.Signal(Id));

        Assert.Equal($"@alice chose \"Wait\" (option 2 of 2) on Telegram. (question {Id})", await call);
        _api.Verify(a => a.GetQuestionAsync(Id, It.IsAny<CancellationToken>()), Times.Once);
        Assert.Equal(0, _signals.Waiting);
    }

    [Fact]
    public async Task An_answer_that_arrives_before_the_call_waits_is_not_missed()
    {
        _api.Setup(a => a.AskAsync(Question, It.IsAny<CancellationToken>())).ReturnsAsync(Status(QuestionState.Waiting, 600));
        _api.Setup(a => a.GetQuestionAsync(Id, It.IsAny<CancellationToken>())).ReturnsAsync(Answered("ship it", null));
        Assert.False(_signals.Signal(Id));

        var result = await AskUser().AskAsync(Question, _progress, default).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal($"@alice answered on Telegram: \"ship it\" (typed, not one of the options). (question {Id})", result);
        Assert.Equal(0, _time.PendingTimers);
    }

    [Fact]
    public async Task Without_an_answer_the_call_reads_the_question_every_interval_reports_progress_and_ends_at_its_deadline()
    {
        _api.Setup(a => a.AskAsync(Question, It.IsAny<CancellationToken>())).ReturnsAsync(Status(QuestionState.Waiting, 40, timeout: 40));
        _api.SetupSequence(a => a.GetQuestionAsync(Id, It.IsAny<CancellationToken>()))
            .ReturnsAsync(Status(QuestionState.Waiting, 25, timeout: 40))
            .ReturnsAsync(Status(QuestionState.Waiting, 10, timeout: 40))
            .ReturnsAsync(Status(QuestionState.Expired, 0, timeout: 40));

        var call = AskUser().AskAsync(Question, _progress, default);
        await _time.AdvanceWhenWaitingAsync(TimeSpan.FromSeconds(15));
        await _time.AdvanceWhenWaitingAsync(TimeSpan.FromSeconds(15));
        Assert.False(call.IsCompleted);
        await _time.AdvanceWhenWaitingAsync(TimeSpan.FromSeconds(10));

        Assert.Equal($"No answer within 40 seconds: the question is closed and its buttons say so. Go on as your instructions say for an unanswered question. (question {Id})", await call.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal([0f, 15f, 30f], _progress.Values.Select(p => p.Progress));
        Assert.All(_progress.Values, p => Assert.Equal(40f, p.Total));
        Assert.Equal("Asked in chat 111 on Telegram; waiting for an answer (closes in 10 seconds).", _progress.Values[^1].Message);
        _api.Verify(a => a.GetQuestionAsync(Id, It.IsAny<CancellationToken>()), Times.Exactly(3));
    }

    [Fact]
    public async Task An_ask_the_app_did_not_answer_is_asked_again_with_the_same_request()
    {
        _api.SetupSequence(a => a.AskAsync(Question, It.IsAny<CancellationToken>()))
            .ThrowsAsync(new RelayApiException("the function app did not answer ask_user in time"))
            .ReturnsAsync(Answered("Deploy", 0));

        var call = AskUser().AskAsync(Question, _progress, default);
        await _time.AdvanceWhenWaitingAsync(TimeSpan.FromSeconds(1));

        Assert.StartsWith("@alice chose \"Deploy\"", await call.WaitAsync(TimeSpan.FromSeconds(30)), StringComparison.Ordinal);
        _api.Verify(a => a.AskAsync(Question, It.IsAny<CancellationToken>()), Times.Exactly(2));
        Assert.Empty(_progress.Values);
    }

    [Fact]
    public async Task A_refused_ask_is_not_asked_again_and_its_reason_reaches_the_caller()
    {
        _api.Setup(a => a.AskAsync(Question, It.IsAny<CancellationToken>()))
            .ThrowsAsync(new RelayApiException("the function app answered 409 to ask_user: Chat 111 already has a question waiting") { Status = HttpStatusCode.Conflict });

        var refused = await Assert.ThrowsAsync<RelayApiException>(() => AskUser().AskAsync(Question, _progress, default));

        Assert.Contains("already has a question waiting", refused.Message, StringComparison.Ordinal);
        _api.Verify(a => a.AskAsync(Question, It.IsAny<CancellationToken>()), Times.Once);
    }

    [Fact]
    public async Task A_read_that_fails_while_time_is_left_keeps_the_call_waiting()
    {
        _api.Setup(a => a.AskAsync(Question, It.IsAny<CancellationToken>())).ReturnsAsync(Status(QuestionState.Waiting, 600));
        _api.SetupSequence(a => a.GetQuestionAsync(Id, It.IsAny<CancellationToken>()))
            .ThrowsAsync(new RelayApiException("cannot reach the function app"))
            .ReturnsAsync(Answered("Deploy", 0));

        var call = AskUser().AskAsync(Question, _progress, default);
        await _time.AdvanceWhenWaitingAsync(TimeSpan.FromSeconds(15));
        await _time.AdvanceWhenWaitingAsync(TimeSpan.FromSeconds(15));

        Assert.StartsWith("@alice chose \"Deploy\"", await call.WaitAsync(TimeSpan.FromSeconds(30)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_question_that_never_reached_its_chat_is_an_error()
    {
        _api.Setup(a => a.AskAsync(Question, It.IsAny<CancellationToken>())).ReturnsAsync(Status(QuestionState.Failed, 0));

        var failed = await Assert.ThrowsAsync<RelayApiException>(() => AskUser().AskAsync(Question, _progress, default));

        Assert.Contains("nobody saw it", failed.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_cancelled_call_stops_waiting_and_leaves_no_waiter_behind()
    {
        _api.Setup(a => a.AskAsync(Question, It.IsAny<CancellationToken>())).ReturnsAsync(Status(QuestionState.Waiting, 600));
        // Withdrawing fails (the app is away): the call still ends as cancelled.
        _api.Setup(a => a.WithdrawQuestionAsync(Id, It.IsAny<CancellationToken>())).ThrowsAsync(new RelayApiException("the app is away"));
        using var cancel = new CancellationTokenSource();

        var call = AskUser().AskAsync(Question, _progress, cancel.Token);
        await Eventually.TrueAsync(() => _signals.Waiting == 1);
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
        Assert.Equal(0, _signals.Waiting);
    }

    private sealed class ProgressLog : IProgress<ProgressNotificationValue>
    {
        private readonly ConcurrentQueue<ProgressNotificationValue> _values = new();

        public IReadOnlyList<ProgressNotificationValue> Values => [.. _values];

        public void Report(ProgressNotificationValue value) => _values.Enqueue(value);
    }

    [Fact]
    public async Task A_cancelled_call_withdraws_its_question_unless_the_relay_is_stopping()
    {
        _api.Setup(a => a.AskAsync(Question, It.IsAny<CancellationToken>())).ReturnsAsync(Status(QuestionState.Waiting, 600));
        _api.Setup(a => a.WithdrawQuestionAsync(Id, It.IsAny<CancellationToken>())).ReturnsAsync(Status(QuestionState.Withdrawn, 0));
        var lifetime = new Mock<Microsoft.Extensions.Hosting.IHostApplicationLifetime>();
        using var stopping = new CancellationTokenSource();
        lifetime.SetupGet(l => l.ApplicationStopping).Returns(stopping.Token);
        var askUser = new AskUser(_api.Object, _signals, _time, NullLogger<AskUser>.Instance, new AskUserOptions(), lifetime.Object);

        using (var cancel = new CancellationTokenSource())
        {
            var call = askUser.AskAsync(Question, _progress, cancel.Token);
            await Eventually.TrueAsync(() => _signals.Waiting == 1);
            await cancel.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
        }

        _api.Verify(a => a.WithdrawQuestionAsync(Id, It.IsAny<CancellationToken>()), Times.Once);

        // The relay is stopping (stdin closed): a restarted relay asks again with the same key and must find it open.
        await stopping.CancelAsync();
        using (var cancel = new CancellationTokenSource())
        {
            var call = askUser.AskAsync(Question, _progress, cancel.Token);
            await Eventually.TrueAsync(() => _signals.Waiting == 1);
            await cancel.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
        }

        _api.Verify(a => a.WithdrawQuestionAsync(Id, It.IsAny<CancellationToken>()), Times.Once);
    }
}
