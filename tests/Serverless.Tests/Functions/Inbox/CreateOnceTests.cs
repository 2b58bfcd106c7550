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
}
