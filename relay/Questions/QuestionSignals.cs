namespace Serverless.Relay.Questions;

/// <summary>
/// Wakes the <c>ask_user</c> calls waiting for a question when the function app's answer event arrives. A
/// signal is only a reason to read the question again (the app holds the answer), so a spurious one costs a
/// read; one that comes while nobody waits is kept for a while, so an answer given the moment the question
/// went out is not missed.
/// </summary>
public sealed class QuestionSignals
{
    private const int UnclaimedCapacity = 256;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, List<TaskCompletionSource>> _waiting = new(StringComparer.Ordinal);
    private readonly HashSet<string> _unclaimed = new(StringComparer.Ordinal);
    private readonly Queue<string> _unclaimedOrder = new();

    /// <summary>How many questions calls are waiting for, for get_status.</summary>
    public int Waiting
    {
        get
        {
            lock (_gate)
            {
                return _waiting.Count;
            }
        }
    }

    /// <summary>Completes at the next signal for the question, or at once if one came while nobody waited.</summary>
    public Task NextAsync(string questionId)
    {
        lock (_gate)
        {
            if (_unclaimed.Remove(questionId))
            {
                return Task.CompletedTask;
            }

            var signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            if (!_waiting.TryGetValue(questionId, out var signals))
            {
                _waiting[questionId] = signals = [];
            }

            signals.Add(signal);
            return signal.Task;
        }
    }

    /// <summary>Stops one wait that ended without its signal (the answer came by reading, or the call was cancelled).</summary>
    public void Forget(string questionId, Task wait)
    {
        lock (_gate)
        {
            if (_waiting.TryGetValue(questionId, out var signals)
                && signals.RemoveAll(s => s.Task == wait) > 0 && signals.Count == 0)
            {
                _waiting.Remove(questionId);
            }
        }
    }

    /// <summary>Signals the question; false when no call waits for it (the signal is then kept for one that starts soon).</summary>
    public bool Signal(string questionId)
    {
        lock (_gate)
        {
            if (_waiting.Remove(questionId, out var signals))
            {
                signals.ForEach(s => s.TrySetResult());
                return true;
            }

            if (_unclaimed.Add(questionId))
            {
                _unclaimedOrder.Enqueue(questionId);
                while (_unclaimedOrder.Count > UnclaimedCapacity)
                {
                    _unclaimed.Remove(_unclaimedOrder.Dequeue());
                }
            }

            return false;
        }
    }
}
