using System.Diagnostics;
using System.IO.Compression;
using System.Text.Json.Nodes;

using Serverless.Testing;

namespace Serverless.EndToEnd.Tests;

/// <summary>The deployment zip, built once by the documented command.</summary>
public sealed class PublishedPackage : IAsyncLifetime
{
    public string Work { get; } = Directory.CreateTempSubdirectory("package").FullName;

    public string Zip => Path.Combine(Work, "functions.zip");

    public async Task InitializeAsync()
    {
        // A separate artifacts path keeps this publish (and its restore) away from the tree the tests run from.
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList =
            {
                "publish", Path.Combine(Repository.Root, "functions"), "-c", "Release",
                "-p:PackageDeployment=true", $"-p:DeploymentZip={Zip}", "--artifacts-path", Path.Combine(Work, "artifacts"),
            },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(8));
        Assert.True(process.ExitCode == 0, await output + await error);
    }

    public Task DisposeAsync()
    {
        Directory.Delete(Work, recursive: true);
        return Task.CompletedTask;
    }
}

/// <summary>The deployment zip has the layout the Functions host expects, and the handler in it runs.</summary>
public sealed class DeploymentPackageTests(PublishedPackage package) : IClassFixture<PublishedPackage>
{
    private readonly string _zip = package.Zip;
    private readonly string _work = package.Work;


    [Fact]
    public void The_zip_has_host_json_and_one_folder_per_function_at_its_root()
    {
        using var zip = ZipFile.OpenRead(_zip);
        var names = zip.Entries.Select(e => e.FullName.Replace('\\', '/')).ToHashSet();

        Assert.Contains("host.json", names);
        var functions = Directory.GetDirectories(Path.Combine(Repository.Root, "functions", "triggers")).Select(Path.GetFileName).ToList();
        Assert.NotEmpty(functions);
        Assert.All(functions, f => Assert.Contains($"{f}/function.json", names));
        Assert.DoesNotContain(names, n => n.StartsWith("triggers/", StringComparison.Ordinal));
    }

    [Fact]
    public void The_executable_named_by_host_json_is_in_the_zip_with_its_execute_bit()
    {
        using var zip = ZipFile.OpenRead(_zip);
        var host = JsonNode.Parse(zip.GetEntry("host.json")!.Open())!;
        var executable = (string)host["customHandler"]!["description"]!["defaultExecutablePath"]!;

        var entry = zip.GetEntry(executable);
        Assert.NotNull(entry);
        var mode = (UnixFileMode)((entry.ExternalAttributes >> 16) & 0x1FF);
        Assert.True(mode.HasFlag(UnixFileMode.UserExecute), $"{executable} has mode {mode}");
        var folder = Path.GetDirectoryName(executable)!.Replace('\\', '/');
        Assert.NotNull(zip.GetEntry(folder + "/handler.dll"));
        // The runtime travels with the handler (self-contained).
        Assert.NotNull(zip.GetEntry(folder + "/libcoreclr.so"));
        Assert.NotNull(zip.GetEntry(folder + "/System.Private.CoreLib.dll"));
    }

    [Fact]
    public async Task The_packaged_handler_starts_on_the_port_the_functions_host_gives_it()
    {
        var root = Path.Combine(_work, "extracted");
        ZipFile.ExtractToDirectory(_zip, root);
        var host = JsonNode.Parse(File.ReadAllText(Path.Combine(root, "host.json")))!;
        var description = host["customHandler"]!["description"]!;
        var port = Azurite.FreePort();
        var start = new ProcessStartInfo(Path.Combine(root, (string)description["defaultExecutablePath"]!))
        {
            WorkingDirectory = Path.Combine(root, (string)description["workingDirectory"]!),
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["FUNCTIONS_CUSTOMHANDLER_PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        // Self-contained, as the Flex Consumption custom-handler stack has no .NET runtime: run it with no
        // dotnet on PATH and DOTNET_ROOT pointing nowhere (the zip's own runtime is checked by the test above;
        // a machine-wide install could still be found through the default location, so this run alone is no proof).
        start.Environment["DOTNET_ROOT"] = Path.Combine(_work, "no-dotnet-here");
        start.Environment["PATH"] = string.Join(Path.PathSeparator, (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(Path.PathSeparator)
            .Where(d => !File.Exists(Path.Combine(d, "dotnet"))));
        start.Environment.Remove("DOTNET_ROOT_X64");
        using var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
            var healthy = await RelayProcess.EventuallyAsync(() =>
            {
                try
                {
                    using var response = http.GetAsync(new Uri($"http://127.0.0.1:{port}/api/health")).GetAwaiter().GetResult();
                    return response.IsSuccessStatusCode;
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
                {
                    // Not listening yet, or a slow first answer: ask again.
                    return false;
                }
            }, TimeSpan.FromSeconds(30));

            Assert.True(healthy, "the packaged handler did not answer /api/health");
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }
}
