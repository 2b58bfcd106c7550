using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Loggers;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Perfolizer.Horology;
using Serverless.Benchmarks.Micro;

namespace Serverless.Benchmarks.Scenarios;

/// <summary>
/// BenchmarkDotNet in this process (the in-process toolchain: no separate build), few short iterations,
/// with allocations. BenchmarkDotNet's own log and tables go to the output folder.
/// </summary>
internal static class MicroScenario
{
    private static readonly (Type Type, string Figure)[] Figures =
    [
        (typeof(GitHubSignature), "GitHub signature check (ref: HMAC alone)"),
        (typeof(GenericNormalise), "generic normalisation (ref: JSON parse)"),
        (typeof(GitHubNormalise), "GitHub workflow_run normalisation (ref: JSON parse)"),
        (typeof(EnvelopeSerialise), "envelope to JSON (ref: payload alone)"),
        (typeof(ChannelContentSanitise), "relay content sanitising (ref: string copy)"),
    ];

    public static Task RunAsync(BenchOptions options, Report report)
    {
        var iteration = TimeInterval.FromMilliseconds(Math.Clamp(20 * options.DurationSeconds, 20, 1000));
        Console.WriteLine($"== micro: BenchmarkDotNet in process, 3 warm-up and 8 measured iterations of {iteration.ToMilliseconds():0} ms each");
        var artifacts = Path.Combine(options.OutputDirectory, "micro");
        Directory.CreateDirectory(artifacts);
        using var log = new StreamLogger(Path.Combine(artifacts, "benchmarkdotnet.log"));
        var job = Job.Default
            .WithToolchain(InProcessEmitToolchain.Instance)
            .WithLaunchCount(1)
            .WithWarmupCount(3)
            .WithIterationCount(8)
            .WithIterationTime(iteration);
        var config = ManualConfig.CreateEmpty()
            .AddJob(job)
            .AddDiagnoser(MemoryDiagnoser.Default)
            .AddColumnProvider(DefaultColumnProviders.Instance)
            .AddExporter(BenchmarkDotNet.Exporters.MarkdownExporter.GitHub)
            .AddLogger(log)
            .WithArtifactsPath(artifacts)
            .WithOptions(ConfigOptions.DisableLogFile);

        foreach (var (type, figure) in Figures)
        {
            Console.WriteLine($"  {type.Name}");
            var summary = BenchmarkRunner.Run(type, config);
            var project = summary.Reports.FirstOrDefault(r => r.BenchmarkCase.Descriptor.WorkloadMethod.Name == nameof(GitHubSignature.Project));
            var reference = summary.Reports.FirstOrDefault(r => r.BenchmarkCase.Descriptor.WorkloadMethod.Name == nameof(GitHubSignature.Reference));
            if (project?.ResultStatistics is not { } p || reference?.ResultStatistics is not { } q)
            {
                report.Add("micro", figure, "failed", "failed");
                report.Note($"micro {type.Name}: BenchmarkDotNet produced no result; see {artifacts}/benchmarkdotnet.log");
                continue;
            }

            var projectBytes = project.GcStats.GetBytesAllocatedPerOperation(project.BenchmarkCase);
            var referenceBytes = reference.GcStats.GetBytesAllocatedPerOperation(reference.BenchmarkCase);
            report.Add("micro", figure, Describe(p.Mean, projectBytes), Describe(q.Mean, referenceBytes), p.Mean / q.Mean, "lower");
        }

        return Task.CompletedTask;
    }

    private static string Describe(double nanoseconds, long? bytes) =>
        (nanoseconds >= 10_000 ? Report.Format(nanoseconds / 1000, "µs", 1) : Report.Format(nanoseconds, "ns", 0))
        + (bytes is { } b ? $", {b:N0} B" : string.Empty);
}
