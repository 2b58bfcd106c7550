using System.Globalization;
using System.Reflection;

namespace Serverless.Benchmarks;

/// <summary>Where the built apps are, from the build that made this harness.</summary>
internal static class Paths
{
    private static string Metadata(string key) =>
        typeof(Paths).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value!;

    public static string RepositoryRoot => Metadata("RepositoryRoot");

    public static string Configuration => Metadata("Configuration");

    public static string FunctionsAssembly => Metadata("FunctionsAssembly");

    public static string RelayAssembly => Metadata("RelayAssembly");

    public static string RelayProject => Path.Combine(RepositoryRoot, "relay", "Serverless.Relay.csproj");

    public static string FunctionsProject => Path.Combine(RepositoryRoot, "functions", "Serverless.Functions.csproj");

    /// <summary>This harness's own dll: started again as the reference app and the stdio reference.</summary>
    public static string HarnessAssembly => typeof(Paths).Assembly.Location;

    public static string AzuriteDirectory => Path.Combine(RepositoryRoot, "tests", "azurite");

    public static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", name);
}

/// <summary>The command line: which figures, and how long each run lasts.</summary>
internal sealed class BenchOptions
{
    public const string Usage = """
        Serverless benchmark harness (issue #12). Run from the repository root:

          dotnet run -c Release --project tests/Serverless.Benchmarks -- <command> [options]

        Commands:
          all       everything below, in this order (about 10 minutes on 2 cores)
          ingress   closed-loop webhooks/s at 64 connections (in memory), 16 and 64 (Azurite), with CPU and
                    bytes allocated per webhook
          e2e       open-loop webhook-to-notification latency at fixed rates, delivered/lost/duplicated,
                    and the knee (highest rate whose p99 stays under 30 ms)
          startup   cold start to the first healthy answer (function app, reference app) and the relay's
                    start to its initialize answer (JIT and Native AOT)
          memory    resident memory idle and after 10,000 events
          micro     BenchmarkDotNet micro-benchmarks of the hot code

        Options:
          --duration N       seconds of each measured load run (default 10); knee steps take N/3 s
                             (at least 2), micro-benchmark iterations 20*N ms
          --knee-step N      seconds of each knee step (overrides the above)
          --startup-runs N   cold starts per figure (default 5; the median is reported)
          --no-aot           skip publishing and starting the Native AOT relay
          --no-azurite       skip the figures that need Azurite
          --out DIR          where report.md and logs go (default artifacts/benchmarks)
        """;

    public string Command { get; private init; } = "all";

    public double DurationSeconds { get; private init; } = 10;

    public double KneeStepSeconds { get; private init; }

    public int StartupRuns { get; private init; } = 5;

    public bool Aot { get; private init; } = true;

    public bool Azurite { get; private init; } = true;

    public static string DefaultOutputDirectory => Path.Combine(Paths.RepositoryRoot, "artifacts", "benchmarks");

    public string OutputDirectory { get; private init; } = DefaultOutputDirectory;

    public TimeSpan Duration => TimeSpan.FromSeconds(DurationSeconds);

    public TimeSpan KneeStep => TimeSpan.FromSeconds(KneeStepSeconds > 0 ? KneeStepSeconds : Math.Max(2, DurationSeconds / 3));

    public string LogDirectory => Path.Combine(OutputDirectory, "logs");

    public static readonly string[] Commands = ["all", "ingress", "e2e", "startup", "memory", "micro"];

    /// <summary>Null and a message when the arguments are wrong.</summary>
    public static BenchOptions? Parse(string[] args, out string? error)
    {
        error = null;
        var command = "all";
        double duration = 10, kneeStep = 0;
        int runs = 5;
        bool aot = true, azurite = true;
        string? output = null;
        for (var i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new FormatException($"{args[i]} needs a value");
            try
            {
                switch (args[i])
                {
                    case "--duration":
                        duration = double.Parse(Next(), CultureInfo.InvariantCulture);
                        break;
                    case "--knee-step":
                        kneeStep = double.Parse(Next(), CultureInfo.InvariantCulture);
                        break;
                    case "--startup-runs":
                        runs = int.Parse(Next(), CultureInfo.InvariantCulture);
                        break;
                    case "--no-aot":
                        aot = false;
                        break;
                    case "--no-azurite":
                        azurite = false;
                        break;
                    case "--out":
                        output = Path.GetFullPath(Next());
                        break;
                    case var c when Commands.Contains(c):
                        command = c;
                        break;
                    default:
                        error = $"Unknown argument '{args[i]}'.";
                        return null;
                }
            }
            catch (FormatException ex)
            {
                error = ex.Message;
                return null;
            }
        }

        if (duration <= 0 || runs <= 0)
        {
            error = "--duration and --startup-runs must be positive.";
            return null;
        }

        return new BenchOptions
        {
            Command = command,
            DurationSeconds = duration,
            KneeStepSeconds = kneeStep,
            StartupRuns = runs,
            Aot = aot,
            Azurite = azurite,
            OutputDirectory = output ?? DefaultOutputDirectory,
        };
    }

    public bool Runs(string command) => Command == "all" || Command == command;
}
