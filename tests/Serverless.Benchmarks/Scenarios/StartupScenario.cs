using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.Json;
using Serverless.Benchmarks.Processes;

namespace Serverless.Benchmarks.Scenarios;

/// <summary>
/// Cold starts: process start to the first healthy answer for the function app and the reference app, and
/// process start to the answer to <c>initialize</c> for the relay (JIT, and Native AOT when it publishes),
/// against a .NET console process that answers one JSON-RPC line. Each is the median of several starts.
/// </summary>
internal static class StartupScenario
{
    private const string Initialize =
        """{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"serverless-benchmarks","version":"1.0"}}}""";

    public static async Task RunAsync(BenchOptions options, Report report)
    {
        Console.WriteLine($"== startup: {options.StartupRuns} cold starts each");
        var functions = new List<double>();
        var reference = new List<double>();
        for (var i = 0; i < options.StartupRuns; i++)
        {
            await using (var app = await Servers.StartFunctionsAsync(options.LogDirectory, "startup"))
            {
                functions.Add(app.ColdStart.TotalMilliseconds);
            }

            await using (var bare = await Servers.StartReferenceAsync(options.LogDirectory, "startup"))
            {
                reference.Add(bare.ColdStart.TotalMilliseconds);
            }
        }

        Console.WriteLine($"  function app: {string.Join(", ", functions.Select(t => $"{t:0}"))} ms; reference: {string.Join(", ", reference.Select(t => $"{t:0}"))} ms");
        report.Add("startup", "function app (JIT), start to first healthy answer", Median(functions), Median(reference), "ms", "lower", 0);

        // What is deployed: the Release publish, ReadyToRun for linux-x64 (the reference's framework is precompiled too).
        var (published, publishFailure) = await PublishFunctionsAsync(options);
        if (published is null)
        {
            report.Note($"startup: the ReadyToRun function app is skipped: {publishFailure}");
        }
        else
        {
            var readyToRun = new List<double>();
            for (var i = 0; i < options.StartupRuns; i++)
            {
                await using var app = await Servers.StartFunctionsAsync(options.LogDirectory, "startup-r2r", assembly: published);
                readyToRun.Add(app.ColdStart.TotalMilliseconds);
            }

            Console.WriteLine($"  function app (ReadyToRun): {string.Join(", ", readyToRun.Select(t => $"{t:0}"))} ms");
            report.Add("startup", "function app (ReadyToRun publish), start to first healthy answer", Median(readyToRun), Median(reference), "ms", "lower", 0);
        }

        // The relay's initialize answer does not wait for its connection, but it is given a live app anyway.
        await using var target = await Servers.StartFunctionsAsync(options.LogDirectory, "startup-relay-target");
        string[] RelayArguments(string home) => ["--url", target.BaseUrl.ToString(), "--channel", "startup", "--state-file", Path.Combine(home, "relay.delivered")];
        var echo = await StartsAsync(options.StartupRuns, "dotnet", _ => [Paths.HarnessAssembly, StdioEcho.Command]);
        var jit = await StartsAsync(options.StartupRuns, "dotnet", home => [Paths.RelayAssembly, .. RelayArguments(home)]);
        Console.WriteLine($"  relay (JIT): {string.Join(", ", jit.Select(t => $"{t:0}"))} ms; .NET stdio reference: {string.Join(", ", echo.Select(t => $"{t:0}"))} ms");
        report.Add("startup", "relay (JIT), start to initialize answer", Median(jit), Median(echo), "ms", "lower", 0);

        if (!options.Aot)
        {
            report.Note("Native AOT relay skipped (--no-aot).");
            return;
        }

        var (native, failure) = await PublishAotAsync(options);
        if (native is null)
        {
            report.Add("startup", "relay (Native AOT), start to initialize answer", "not measured", "—");
            report.Note($"Native AOT relay: {failure}");
            return;
        }

        var aot = await StartsAsync(options.StartupRuns, native, RelayArguments);
        Console.WriteLine($"  relay (AOT): {string.Join(", ", aot.Select(t => $"{t:0}"))} ms");
        report.Add("startup", "relay (Native AOT), start to initialize answer", Median(aot), Median(echo), "ms", "lower", 0);
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }

    private static async Task<List<double>> StartsAsync(int runs, string fileName, Func<string, string[]> arguments)
    {
        var times = new List<double>();
        for (var i = 0; i < runs; i++)
        {
            times.Add((await InitializeAsync(fileName, arguments)).TotalMilliseconds);
        }

        return times;
    }

    /// <summary>Starts a stdio MCP server, writes initialize at once, and times the answer to it.</summary>
    private static async Task<TimeSpan> InitializeAsync(string fileName, Func<string, string[]> arguments)
    {
        var home = Directory.CreateTempSubdirectory("bench-relay-start").FullName;
        var start = new ProcessStartInfo(fileName)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments(home))
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["RELAY_TOKEN"] = Servers.RelayToken;
        start.Environment["XDG_STATE_HOME"] = home;
        start.Environment["XDG_CONFIG_HOME"] = home;
        var started = Stopwatch.GetTimestamp();
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{fileName} did not start");
        ChildProcess.Track(process.Id);
        try
        {
            process.ErrorDataReceived += (_, _) => { };
            process.BeginErrorReadLine();
            await process.StandardInput.WriteLineAsync(Initialize);
            await process.StandardInput.FlushAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            while (await process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
            {
                if (IsAnswerToInitialize(line))
                {
                    return Stopwatch.GetElapsedTime(started);
                }
            }

            throw new InvalidOperationException($"{fileName} closed stdout without answering initialize (exit {(process.HasExited ? process.ExitCode : -1)}).");
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }

            ChildProcess.Untrack(process.Id);
            try
            {
                Directory.Delete(home, recursive: true);
            }
            catch (IOException)
            {
                // A temporary folder; leaving it behind is harmless.
            }
        }
    }

    private static bool IsAnswerToInitialize(string line)
    {
        try
        {
            using var message = JsonDocument.Parse(line);
            return message.RootElement.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.Number && id.GetInt32() == 1
                && message.RootElement.TryGetProperty("result", out _);
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>The deployment publish of the function app (ReadyToRun), built in a folder of its own.</summary>
    private static async Task<(string? Assembly, string? Failure)> PublishFunctionsAsync(BenchOptions options)
    {
        var output = Path.Combine(options.OutputDirectory, "functions-publish");
        var log = Path.Combine(options.LogDirectory, "functions-publish.log");
        Console.WriteLine($"  publishing the function app (Release, ReadyToRun; log: {log})...");
        var (exitCode, text) = await DotnetAsync(
            "publish", Paths.FunctionsProject, "-c", "Release", "--nologo",
            "--artifacts-path", Path.Combine(options.OutputDirectory, "functions-build"), "-o", output);
        await File.WriteAllTextAsync(log, text);
        var assembly = Path.Combine(output, "Serverless.Functions.dll");
        return exitCode == 0 && File.Exists(assembly)
            ? (assembly, null)
            : (null, $"`dotnet publish functions` failed (exit {exitCode}; see {log})");
    }

    private static async Task<(int ExitCode, string Output)> DotnetAsync(params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await stdout + await stderr);
    }

    /// <summary>
    /// <c>dotnet publish relay -c Release -r RID</c> with Native AOT into the output folder, built in a
    /// folder of its own (--artifacts-path) so it never touches relay/bin or relay/obj.
    /// </summary>
    internal static async Task<(string? Executable, string? Failure)> PublishAotAsync(BenchOptions options)
    {
        var rid = RuntimeInformation.RuntimeIdentifier;
        var output = Path.Combine(options.OutputDirectory, "relay-aot");
        var log = Path.Combine(options.LogDirectory, "relay-aot-publish.log");
        Console.WriteLine($"  publishing the relay with Native AOT for {rid} (log: {log})...");
        var publish = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[]
        {
            "publish", Paths.RelayProject, "-c", "Release", "-r", rid, "--nologo",
            "--artifacts-path", Path.Combine(options.OutputDirectory, "relay-aot-build"), "-o", output,
        })
        {
            publish.ArgumentList.Add(argument);
        }

        var watch = Stopwatch.StartNew();
        using var process = Process.Start(publish)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        var text = await stdout + await stderr;
        await File.WriteAllTextAsync(log, text);
        var executable = Path.Combine(output, "relay");
        if (process.ExitCode != 0 || !File.Exists(executable))
        {
            var reason = text.Split('\n').Where(l => l.Contains("error", StringComparison.OrdinalIgnoreCase)).Take(3).Select(l => l.Trim());
            return (null, $"`dotnet publish relay -r {rid}` failed (exit {process.ExitCode}): {string.Join(" ", reason)} (see {log})");
        }

        Console.WriteLine($"  published in {watch.Elapsed.TotalSeconds:0} s");
        return (executable, null);
    }
}
