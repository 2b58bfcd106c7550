namespace Serverless.Testing;

/// <summary>A clock the test moves by hand (timers still run on real time).</summary>
public sealed class ManualTimeProvider : TimeProvider
{
    private TimeSpan _offset;

    public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + _offset;

    public void Advance(TimeSpan by) => _offset += by;
}
