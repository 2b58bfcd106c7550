namespace Serverless.Functions.Inbox;

/// <summary>
/// A create-if-not-exists call (queue, container, table) made once and shared by every caller; a failed
/// attempt is forgotten, so storage that was down at the first use is tried again by the next caller.
/// </summary>
public sealed class CreateOnce(Func<Task> create)
{
    private Task? _attempt;

    public async Task EnsureAsync(CancellationToken cancellationToken)
    {
        var attempt = Volatile.Read(ref _attempt);
        if (attempt is null)
        {
            var started = create();
            attempt = Interlocked.CompareExchange(ref _attempt, started, null) ?? started;
        }

        try
        {
            await attempt.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception) when (attempt.IsFaulted || attempt.IsCanceled)
        {
            _ = Interlocked.CompareExchange(ref _attempt, null, attempt);
            throw;
        }
    }
}
