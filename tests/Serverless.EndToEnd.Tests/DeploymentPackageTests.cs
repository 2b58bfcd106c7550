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

/// <summary>
/// The deployment zip is what the Functions host runs as a .NET isolated app (Flex Consumption's
/// dotnet-isolated stack): the worker's publish output, framework-dependent, with the files the host reads.
/// </summary>
public sealed class DeploymentPackageTests(PublishedPackage package) : IClassFixture<PublishedPackage>
{
    private readonly string _zip = package.Zip;
    private readonly string _work = package.Work;

    private static JsonNode Read(ZipArchive zip, string name)
    {
        var entry = zip.GetEntry(name);
        Assert.True(entry is not null, $"{name} is not in the package");
        using var stream = entry.Open();
        return JsonNode.Parse(stream)!;
    }

    [Fact]
    public void Host_json_is_version_2_with_the_api_prefix_and_no_custom_handler_or_bundle()
    {
        using var zip = ZipFile.OpenRead(_zip);
        var host = Read(zip, "host.json");

        Assert.Equal("2.0", (string?)host["version"]);
        Assert.Equal("api", (string?)host["extensions"]?["http"]?["routePrefix"]);
        // An isolated app carries its extensions in .azurefunctions/; a bundle or a custom handler would
        // make the host start something else.
        Assert.Null(host["customHandler"]);
        Assert.Null(host["extensionBundle"]);
    }

    [Fact]
    public void Worker_config_json_starts_the_app_with_dotnet_as_an_isolated_worker()
    {
        using var zip = ZipFile.OpenRead(_zip);
        var description = Read(zip, "worker.config.json")["description"]!;

        Assert.Equal("dotnet-isolated", (string?)description["language"]);
        Assert.Equal("dotnet", (string?)description["defaultExecutablePath"]);
        var worker = (string)description["defaultWorkerPath"]!;
        Assert.NotNull(zip.GetEntry(worker));
        Assert.NotNull(zip.GetEntry(Path.ChangeExtension(worker, ".runtimeconfig.json")));
    }

    [Fact]
    public void Functions_metadata_lists_every_function_with_its_http_trigger_and_entry_point()
    {
        using var zip = ZipFile.OpenRead(_zip);
        var metadata = Read(zip, "functions.metadata").AsArray().Select(f => f!.AsObject()).ToList();
        var declared = typeof(Serverless.Functions.FunctionsWorker).Assembly.GetTypes()
            .SelectMany(t => t.GetMethods())
            .Select(m => (Method: m, Name: m.GetCustomAttributes(typeof(Microsoft.Azure.Functions.Worker.FunctionAttribute), false)
                .Cast<Microsoft.Azure.Functions.Worker.FunctionAttribute>().SingleOrDefault()?.Name))
            .Where(x => x.Name is not null)
            .ToDictionary(x => x.Name!, x => x.Method);

        Assert.Equal(declared.Keys.Order(), metadata.Select(f => (string)f["name"]!).Order());
        Assert.All(metadata, function =>
        {
            Assert.Equal("dotnet-isolated", (string?)function["language"]);
            Assert.NotNull(zip.GetEntry((string)function["scriptFile"]!));
            var method = declared[(string)function["name"]!];
            Assert.Equal($"{method.DeclaringType!.FullName}.{method.Name}", (string?)function["entryPoint"]);
            var bindings = function["bindings"]!.AsArray().Select(b => b!.AsObject()).ToList();
            var trigger = Assert.Single(bindings, b => (string?)b["type"] == "httpTrigger");
            Assert.Equal("Anonymous", (string?)trigger["authLevel"]);
            Assert.Contains(bindings, b => (string?)b["type"] == "http" && (string?)b["direction"] == "Out");
        });
    }

    [Fact]
    public void Extensions_json_names_only_assemblies_that_are_in_the_package()
    {
        using var zip = ZipFile.OpenRead(_zip);
        var extensions = Read(zip, "extensions.json")["extensions"]!.AsArray();

        Assert.NotEmpty(extensions);
        Assert.All(extensions, e =>
        {
            var hint = ((string)e!["hintPath"]!).Replace("./", string.Empty, StringComparison.Ordinal);
            Assert.NotNull(zip.GetEntry(hint));
        });
    }

    [Fact]
    public void The_package_is_framework_dependent_on_the_net_10_and_asp_net_core_runtimes()
    {
        using var zip = ZipFile.OpenRead(_zip);
        var runtimeConfig = Read(zip, "Serverless.Functions.runtimeconfig.json")["runtimeOptions"]!;
        var frameworks = (runtimeConfig["frameworks"]?.AsArray() ?? [runtimeConfig["framework"]])
            .Select(f => ((string)f!["name"]!, (string)f["version"]!)).ToList();

        // The dotnet-isolated stack brings the runtime; a self-contained runtime would only add 70 MB.
        Assert.Null(zip.GetEntry("libcoreclr.so"));
        Assert.Contains(frameworks, f => f.Item1 == "Microsoft.NETCore.App" && f.Item2.StartsWith("10.0", StringComparison.Ordinal));
        Assert.Contains(frameworks, f => f.Item1 == "Microsoft.AspNetCore.App" && f.Item2.StartsWith("10.0", StringComparison.Ordinal));
    }

    [Fact]
    public void The_app_in_the_package_is_precompiled_ready_to_run_for_linux_x64()
    {
        using var zip = ZipFile.OpenRead(_zip);
        using var dll = new MemoryStream();
        using (var entry = zip.GetEntry("Serverless.Functions.dll")!.Open())
        {
            entry.CopyTo(dll);
        }

        dll.Position = 0;
        using var pe = new System.Reflection.PortableExecutable.PEReader(dll);
        // A ReadyToRun image carries a managed native header beside its IL.
        Assert.True(pe.PEHeaders.CorHeader!.ManagedNativeHeaderDirectory.Size > 0, "Serverless.Functions.dll is IL only");
        // ReadyToRun marks the target OS in the machine field: x64 (0x8664) XOR Linux (0x7B79).
        Assert.Equal(0x8664 ^ 0x7B79, (int)pe.PEHeaders.CoffHeader.Machine);
    }

    private static Process StartPackagedApp(string root, IEnumerable<string> arguments, IDictionary<string, string> environment)
    {
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = root, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(root, "Serverless.Functions.dll"));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private string Extract(string name)
    {
        var root = Path.Combine(_work, name);
        ZipFile.ExtractToDirectory(_zip, root);
        return root;
    }

    [Fact]
    public async Task The_packaged_app_serves_the_local_default_itself_when_no_functions_host_started_it()
    {
        var root = Extract("local");
        var port = Azurite.FreePort();
        using var process = StartPackagedApp(root, ["--urls", $"http://127.0.0.1:{port}"], new Dictionary<string, string>());
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

            Assert.True(healthy, "the packaged app did not answer /api/health");
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    [Fact]
    public async Task Started_as_the_functions_host_starts_a_worker_it_calls_the_host_over_grpc()
    {
        // Stands in for the host's gRPC endpoint only as far as the first bytes: a worker that was not
        // detected as such, or failed its start-up checks, would never open an HTTP/2 connection to it.
        var root = Extract("worker");
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var grpcPort = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        var settings = new Dictionary<string, string>
        {
            ["FUNCTIONS_WORKER_RUNTIME"] = "dotnet-isolated",
            ["FUNCTIONS_APPLICATION_DIRECTORY"] = root,
            // Azure-shaped settings on loopback addresses nothing listens on: the worker must pass its start-up checks.
            ["WebPubSub__ConnectionString"] = "Endpoint=http://127.0.0.1:9;AccessKey=package-access-key-0123456789abcdef;Version=1.0;",
            ["Relay__Tokens__0__Secret"] = "package-relay-token-0123456789",
            ["Relay__Tokens__0__Channels"] = "*",
        };
        using var process = StartPackagedApp(
            root,
            ["--functions-uri", $"http://127.0.0.1:{grpcPort}/", "--functions-worker-id", Guid.NewGuid().ToString(), "--functions-request-id", Guid.NewGuid().ToString(), "--functions-grpc-max-message-length", "2147483647"],
            settings);
        try
        {
            using var accept = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            using var connection = await listener.AcceptTcpClientAsync(accept.Token);
            var preface = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"u8.ToArray();
            var received = new byte[preface.Length];
            await connection.GetStream().ReadExactlyAsync(received, accept.Token);

            Assert.Equal(preface, received);
            Assert.False(process.HasExited);
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }
}
