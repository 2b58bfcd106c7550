using System.Globalization;
using Serverless.Benchmarks;
using Serverless.Benchmarks.Processes;
using Serverless.Benchmarks.Scenarios;

CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;

// The harness starts itself again as the reference app and as the stdio reference.
if (args.Length > 0 && args[0] == ReferenceServer.Command)
{
    return await ReferenceServer.RunAsync(args[1..]);
}

if (args.Length > 0 && args[0] == StdioEcho.Command)
{
    return StdioEcho.Run();
}

if (args.Any(a => a is "-h" or "--help" or "help"))
{
    Console.WriteLine(BenchOptions.Usage);
    return 0;
}

var options = BenchOptions.Parse(args, out var error);
if (options is null)
{
    Console.Error.WriteLine(error);
    Console.Error.WriteLine(BenchOptions.Usage);
    return 2;
}

Console.CancelKeyPress += (_, _) => ChildProcess.KillAll();
AppDomain.CurrentDomain.ProcessExit += (_, _) => ChildProcess.KillAll();
Directory.CreateDirectory(options.LogDirectory);
foreach (var old in Directory.EnumerateFiles(options.LogDirectory, "*.log"))
{
    File.Delete(old);
}

var commandLine = "dotnet run -c Release --project tests/Serverless.Benchmarks -- " + string.Join(' ', args.DefaultIfEmpty("all"));
Console.WriteLine($"{commandLine}\nlogs: {options.LogDirectory}\nload average: {Report.LoadAverage()}");
if (Paths.Configuration != "Release")
{
    Console.WriteLine($"WARNING: this is a {Paths.Configuration} build; figures are only meaningful with -c Release.");
}

var report = new Report();
var sections = new (string Command, Func<BenchOptions, Report, Task> Run)[]
{
    ("ingress", IngressScenario.RunAsync),
    ("e2e", EndToEndScenario.RunAsync),
    ("startup", StartupScenario.RunAsync),
    ("memory", MemoryScenario.RunAsync),
    ("micro", MicroScenario.RunAsync),
};
var failed = false;
foreach (var (command, run) in sections.Where(s => options.Runs(s.Command)))
{
    try
    {
        await run(options, report);
    }
#pragma warning disable CA1031 // One section failing must not lose the others' figures.
    catch (Exception ex)
#pragma warning restore CA1031
    {
        failed = true;
        Console.Error.WriteLine(ex);
        report.Note($"{command} failed: {ex.GetType().Name}: {ex.Message}");
    }
    finally
    {
        ChildProcess.KillAll();
    }
}

var markdown = report.Markdown(options, commandLine);
var path = Path.Combine(options.OutputDirectory, "report.md");
await File.WriteAllTextAsync(path, markdown);
Console.WriteLine();
Console.WriteLine(report.Table());
Console.WriteLine($"Took {report.Elapsed.TotalMinutes:0.0} min. Report: {path}");
return failed ? 1 : 0;
