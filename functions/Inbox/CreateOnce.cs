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
            // Claim the slot before calling out: callers that arrive together must not each send a create.
            var claim = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            attempt = Interlocked.CompareExchange(ref _attempt, claim.Task, null);
            if (attempt is null)
            {
                attempt = claim.Task;
                _ = RunAsync(create, claim);
            }
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

    private static async Task RunAsync(Func<Task> create, TaskCompletionSource claim)
    {
        try
        {
            await create().ConfigureAwait(false);
            claim.TrySetResult();
        }
        catch (OperationCanceledException ex)
        {
            claim.TrySetCanceled(ex.CancellationToken);
        }
        catch (Exception ex)
        {
            claim.TrySetException(ex);
        }
    }
}
