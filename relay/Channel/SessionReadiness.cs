namespace Serverless.Relay.Channel;

/// <summary>
/// Completes when Claude Code has sent <c>notifications/initialized</c>: from then on channel
/// notifications reach the session. Until then the relay takes nothing from the queue.
/// </summary>
public sealed class SessionReadiness
{
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public bool IsReady => _ready.Task.IsCompleted;

    public void MarkReady() => _ready.TrySetResult();

    public Task WaitAsync(CancellationToken cancellationToken) => _ready.Task.WaitAsync(cancellationToken);
}
