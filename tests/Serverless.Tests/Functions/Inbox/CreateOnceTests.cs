using Serverless.Functions.Inbox;

namespace Serverless.Tests.Functions.Inbox;

public class CreateOnceTests
{
    [Fact]
    public async Task A_success_is_shared_and_a_failure_is_tried_again()
    {
        var calls = 0;
        var once = new CreateOnce(() => ++calls == 1 ? Task.FromException(new IOException("storage down")) : Task.CompletedTask);

        await Assert.ThrowsAsync<IOException>(() => once.EnsureAsync(default));
        await once.EnsureAsync(default);
        await once.EnsureAsync(default);

        Assert.Equal(2, calls);
    }

    [Fact]
    public async Task Callers_that_arrive_together_share_one_create()
    {
        var calls = 0;
        var release = new TaskCompletionSource();
        var once = new CreateOnce(async () =>
        {
            Interlocked.Increment(ref calls);
            // A create takes a while to send: the window in which a second caller could start another.
            Thread.Sleep(20);
            await release.Task;
        });

        var callers = new Task[8];
        using var start = new Barrier(callers.Length);
        var threads = Enumerable.Range(0, callers.Length).Select(i => new Thread(() =>
        {
            start.SignalAndWait();
            callers[i] = once.EnsureAsync(CancellationToken.None);
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
        release.SetResult();
        await Task.WhenAll(callers);

        Assert.Equal(1, calls);
    }
}
