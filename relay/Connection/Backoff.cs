namespace Serverless.Relay.Connection;

/// <summary>Capped exponential backoff with jitter, so many relays do not retry in lockstep.</summary>
public sealed class Backoff(TimeSpan initial, TimeSpan max, Func<double>? random = null)
{
    private readonly Func<double> _random = random ?? Random.Shared.NextDouble;
    private int _attempt;

    public int Attempt => _attempt;

    /// <summary>The delay before the next attempt: half fixed, half random, never above the cap.</summary>
    public TimeSpan Next()
    {
        var exponent = Math.Min(_attempt++, 30);
        var ceiling = Math.Min(max.TotalMilliseconds, initial.TotalMilliseconds * Math.Pow(2, exponent));
        return TimeSpan.FromMilliseconds(ceiling * (0.5 + (0.5 * _random())));
    }

    public void Reset() => _attempt = 0;
}
