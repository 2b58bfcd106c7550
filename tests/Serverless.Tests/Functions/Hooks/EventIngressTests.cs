using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Moq;
using Serverless.Functions.Events;
using Serverless.Functions.Hooks;
using Serverless.Functions.Inbox;
using Serverless.Functions.Publishing;
using Serverless.Functions.Sources;

namespace Serverless.Tests.Functions.Hooks;

public class EventIngressTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 9, 30, 0, TimeSpan.Zero);
    private readonly Mock<IEventInbox> _inbox = new(MockBehavior.Strict);
    private readonly Mock<IEventPublisher> _publisher = new(MockBehavior.Strict);
    private readonly FakeTimeProvider _clock = new(Now);

    private EventIngress Ingress() => new(_inbox.Object, _publisher.Object, _clock, NullLogger<EventIngress>.Instance);

    private static EventDraft Draft() => new() { EventType = "webhook", Summary = "hello", Trust = TrustLevel.ThirdParty, Severity = "error" };

    [Fact]
    public async Task Stores_before_publishing_and_publishes_the_stored_receipt()
    {
        var order = new List<string>();
        _inbox.Setup(i => i.StoreAsync(It.IsAny<ChannelEvent>(), It.IsAny<CancellationToken>()))
            .Callback(() => order.Add("store")).ReturnsAsync("m1:r1");
        _publisher.Setup(p => p.PublishAsync(It.IsAny<ChannelEvent>(), "m1:r1", It.IsAny<CancellationToken>()))
            .Callback(() => order.Add("publish")).ReturnsAsync(true);

        var stored = await Ingress().AcceptAsync("generic", "ops", Draft(), CancellationToken.None);

        Assert.Equal(["store", "publish"], order);
        Assert.Equal(Now, stored.Time);
        Assert.Equal("generic.webhook", stored.Type);
        Assert.Equal("/hooks/generic", stored.Source);
        Assert.Equal("ops", stored.Channel);
        Assert.Equal("generic", stored.Kind);
        Assert.Equal("error", stored.Severity);
        Assert.Equal(32, stored.Id.Length);
        _publisher.Verify(p => p.PublishAsync(It.Is<ChannelEvent>(e => e.Id == stored.Id), "m1:r1", It.IsAny<CancellationToken>()), Times.Once);
    }

    [Fact]
    public async Task A_storage_failure_publishes_nothing()
    {
        _inbox.Setup(i => i.StoreAsync(It.IsAny<ChannelEvent>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new IOException("storage down"));

        await Assert.ThrowsAsync<InboxUnavailableException>(() => Ingress().AcceptAsync("generic", "ops", Draft(), CancellationToken.None));

        _publisher.VerifyNoOtherCalls();
    }

    [Fact]
    public async Task A_failed_doorbell_still_accepts_the_stored_event()
    {
        _inbox.Setup(i => i.StoreAsync(It.IsAny<ChannelEvent>(), It.IsAny<CancellationToken>())).ReturnsAsync("m:r");
        _publisher.Setup(p => p.PublishAsync(It.IsAny<ChannelEvent>(), It.IsAny<string>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new HttpRequestException("pubsub down"));

        var stored = await Ingress().AcceptAsync("generic", "ops", Draft(), CancellationToken.None);

        Assert.Equal("ops", stored.Channel);
        Assert.False(string.IsNullOrEmpty(stored.Id));
        _inbox.Verify(i => i.StoreAsync(It.Is<ChannelEvent>(e => e.Id == stored.Id), It.IsAny<CancellationToken>()), Times.Once);
        _publisher.Verify(p => p.PublishAsync(It.Is<ChannelEvent>(e => e.Id == stored.Id), It.IsAny<string>(), It.IsAny<CancellationToken>()), Times.Once);
    }

    [Fact]
    public async Task Ids_are_unique_and_ordered_by_time()
    {
        _inbox.Setup(i => i.StoreAsync(It.IsAny<ChannelEvent>(), It.IsAny<CancellationToken>())).ReturnsAsync("m:r");
        _publisher.Setup(p => p.PublishAsync(It.IsAny<ChannelEvent>(), It.IsAny<string>(), It.IsAny<CancellationToken>())).ReturnsAsync(true);
        var ingress = Ingress();

        var first = await ingress.AcceptAsync("generic", "ops", Draft(), CancellationToken.None);
        _clock.Advance(TimeSpan.FromSeconds(1));
        var second = await ingress.AcceptAsync("generic", "ops", Draft(), CancellationToken.None);

        Assert.NotEqual(first.Id, second.Id);
        Assert.True(string.CompareOrdinal(first.Id, second.Id) < 0);
    }

    [Fact]
    public async Task A_store_that_hangs_is_given_up_after_its_budget_and_nothing_is_published()
    {
        _inbox.Setup(i => i.StoreAsync(It.IsAny<ChannelEvent>(), It.IsAny<CancellationToken>()))
            .Returns((ChannelEvent _, CancellationToken token) => Task.Delay(Timeout.Infinite, token).ContinueWith(_ => "never", token));

        var accepting = Ingress().AcceptAsync("generic", "ops", Draft(), CancellationToken.None);
        _clock.Advance(EventIngress.StoreBudget - TimeSpan.FromMilliseconds(1));
        Assert.False(accepting.IsCompleted);
        _clock.Advance(TimeSpan.FromMilliseconds(1));

        // The wait is a safety net so that a missing budget fails the test instead of hanging it.
        var failure = await Assert.ThrowsAsync<InboxUnavailableException>(() => accepting.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Contains("within 5 s", failure.Message, StringComparison.Ordinal);
        _publisher.VerifyNoOtherCalls();
    }

    [Fact]
    public async Task A_doorbell_that_hangs_is_given_up_after_its_budget_and_the_stored_event_is_still_accepted()
    {
        _inbox.Setup(i => i.StoreAsync(It.IsAny<ChannelEvent>(), It.IsAny<CancellationToken>())).ReturnsAsync("m1:r1");
        _publisher.Setup(p => p.PublishAsync(It.IsAny<ChannelEvent>(), "m1:r1", It.IsAny<CancellationToken>()))
            .Returns(async (ChannelEvent _, string _, CancellationToken token) =>
            {
                await Task.Delay(Timeout.Infinite, token);
                return true;
            });

        var accepting = Ingress().AcceptAsync("generic", "ops", Draft(), CancellationToken.None);
        _clock.Advance(EventIngress.RingBudget);

        Assert.Equal("ops", (await accepting.WaitAsync(TimeSpan.FromSeconds(30))).Channel);
    }
}
