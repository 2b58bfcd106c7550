using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Moq;
using Serverless.Contracts;
using Serverless.Functions.Events;
using Serverless.Functions.Hooks;
using Serverless.Functions.Inbox;
using Serverless.Functions.Publishing;
using Serverless.Functions.Questions;

namespace Serverless.Tests.Functions.Questions;

/// <summary>Questions nobody reads again still close when their time is up, and closed ones are forgotten after a week.</summary>
public class QuestionSweepTests
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 25, 8, 0, 0, TimeSpan.Zero));
    private readonly EmbeddedQuestionStore _store = new();
    private readonly Mock<IQuestionTransport> _transport = new();
    private readonly List<QuestionRecord> _shown = [];
    private int _nextChat = 100;

    public QuestionSweepTests()
    {
        _transport.SetupGet(t => t.Name).Returns("telegram");
        _transport.SetupGet(t => t.Enabled).Returns(true);
        _transport.Setup(t => t.ResolveChatAsync(It.IsAny<string>(), It.IsAny<string?>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((string _, string? chat, CancellationToken _) => new QuestionChat(chat));
        _transport.Setup(t => t.SendAsync(It.IsAny<QuestionRecord>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((QuestionRecord q, CancellationToken _) => new SentQuestion([new QuestionMessage(q.ChatId, "1")], false));
        _transport.Setup(t => t.ShowOutcomeAsync(It.IsAny<QuestionRecord>(), It.IsAny<CancellationToken>()))
            .Callback((QuestionRecord q, CancellationToken _) => _shown.Add(q))
            .Returns(Task.CompletedTask);
        _transport.Setup(t => t.MayAnswerAsync(It.IsAny<string>(), It.IsAny<string>(), It.IsAny<CancellationToken>())).ReturnsAsync(true);
    }

    private QuestionDesk Desk()
    {
        var inbox = new Mock<IEventInbox>();
        inbox.Setup(i => i.StoreAsync(It.IsAny<ChannelEvent>(), It.IsAny<CancellationToken>())).ReturnsAsync("m:r");
        var ingress = new EventIngress(inbox.Object, Mock.Of<IEventPublisher>(), _clock, NullLogger<EventIngress>.Instance);
        return new QuestionDesk(_store, [_transport.Object], ingress, _clock, NullLogger<QuestionDesk>.Instance);
    }

    private async Task<QuestionRecord> AskAsync(int timeoutSeconds = 600)
    {
        var chat = Interlocked.Increment(ref _nextChat).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var result = await Desk().AskAsync(new QuestionDraft("default", $"deploy {chat}?", ["yes", "no"], chat, timeoutSeconds, null, QuestionFormat.Text), default);
        return result.Question!;
    }

    [Fact]
    public async Task A_question_whose_time_ran_out_is_closed_by_the_sweep_and_its_buttons_say_so()
    {
        var due = await AskAsync(timeoutSeconds: 60);
        var later = await AskAsync(timeoutSeconds: 600);
        _clock.Advance(TimeSpan.FromSeconds(61));

        var sweep = await Desk().SweepAsync(default);

        Assert.Equal(new QuestionSweep(Closed: 1, Removed: 0), sweep);
        Assert.Equal(QuestionState.Expired, (await _store.GetAsync(due.Id, default))!.State);
        Assert.Equal(QuestionState.Waiting, (await _store.GetAsync(later.Id, default))!.State);
        Assert.Equal([due.Id], _shown.Select(q => q.Id));
        // The chat is free again for the next question.
        Assert.Null(await _store.WaitingInChatAsync("telegram", due.ChatId, default));
    }

    [Fact]
    public async Task Questions_closed_more_than_a_week_ago_are_forgotten_and_the_rest_are_kept()
    {
        var old = await AskAsync();
        await Desk().AnswerAsync(old.Id, new QuestionResponder("7", "@owner"), QuestionChoice.Tapped(0), default);
        _clock.Advance(QuestionDesk.KeptAfterClosing - TimeSpan.FromHours(1));
        var recent = await AskAsync();
        await Desk().AnswerAsync(recent.Id, new QuestionResponder("7", "@owner"), QuestionChoice.Tapped(1), default);
        var waiting = await AskAsync(timeoutSeconds: QuestionLimits.MaxTimeoutSeconds);
        _clock.Advance(TimeSpan.FromHours(2));

        var sweep = await Desk().SweepAsync(default);

        Assert.Equal(new QuestionSweep(Closed: 0, Removed: 1), sweep);
        Assert.Null(await _store.GetAsync(old.Id, default));
        Assert.Null(await _store.FindByKeyAsync(old.KeyHash, default));
        Assert.Equal(QuestionState.Answered, (await _store.GetAsync(recent.Id, default))!.State);
        Assert.Equal(QuestionState.Waiting, (await _store.GetAsync(waiting.Id, default))!.State);
    }

    [Fact]
    public async Task A_failing_sweep_is_logged_and_leaves_the_sweeper_running()
    {
        var store = new Mock<IQuestionStore>();
        store.Setup(s => s.HoldingChatsAsync(It.IsAny<CancellationToken>())).ThrowsAsync(new InboxUnavailableException("storage is down"));
        var services = new ServiceCollection()
            .AddSingleton(store.Object)
            .AddSingleton(_transport.Object)
            .AddSingleton<TimeProvider>(_clock)
            .AddSingleton(new EventIngress(Mock.Of<IEventInbox>(), Mock.Of<IEventPublisher>(), _clock, NullLogger<EventIngress>.Instance))
            .AddLogging()
            .AddTransient<QuestionDesk>()
            .BuildServiceProvider();
        var sweeper = new QuestionSweeper(services.GetRequiredService<IServiceScopeFactory>(), _clock, NullLogger<QuestionSweeper>.Instance);

        Assert.Null(await sweeper.SweepOnceAsync(default));

        store.Setup(s => s.HoldingChatsAsync(It.IsAny<CancellationToken>())).ReturnsAsync([]);
        store.Setup(s => s.RemoveClosedBeforeAsync(It.IsAny<DateTimeOffset>(), It.IsAny<CancellationToken>())).ReturnsAsync(0);
        Assert.Equal(new QuestionSweep(0, 0), await sweeper.SweepOnceAsync(default));
    }
}
