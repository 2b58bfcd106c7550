using Serverless.Relay.Connection;

namespace Serverless.Tests.Relay.Connection;

public class BackoffTests
{
    [Fact]
    public void Grows_exponentially_up_to_the_cap()
    {
        var backoff = new Backoff(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30), () => 1.0);

        var delays = Enumerable.Range(0, 8).Select(_ => backoff.Next().TotalSeconds).ToArray();

        Assert.Equal([1, 2, 4, 8, 16, 30, 30, 30], delays);
    }

    [Fact]
    public void Jitter_keeps_each_delay_between_half_and_all_of_its_ceiling()
    {
        var low = new Backoff(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30), () => 0.0);
        Assert.Equal([0.5, 1, 2], Enumerable.Range(0, 3).Select(_ => low.Next().TotalSeconds));

        var random = new Backoff(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30));
        for (var i = 0; i < 50; i++)
        {
            Assert.InRange(random.Next(), TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(30));
        }
    }

    [Fact]
    public void Reset_starts_over()
    {
        var backoff = new Backoff(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30), () => 1.0);
        backoff.Next();
        backoff.Next();
        backoff.Reset();

        Assert.Equal(TimeSpan.FromSeconds(1), backoff.Next());
    }
}
