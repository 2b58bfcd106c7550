namespace Serverless.Benchmarks.Load;

/// <summary>Percentiles of a set of latencies in milliseconds (nearest rank).</summary>
internal readonly record struct Latency(int Count, double P50, double P99, double Max)
{
    public static Latency Of(List<double> milliseconds)
    {
        if (milliseconds.Count == 0)
        {
            return new Latency(0, double.NaN, double.NaN, double.NaN);
        }

        milliseconds.Sort();
        double Rank(double q) => milliseconds[Math.Clamp((int)Math.Ceiling(q * milliseconds.Count) - 1, 0, milliseconds.Count - 1)];
        return new Latency(milliseconds.Count, Rank(0.50), Rank(0.99), milliseconds[^1]);
    }
}
