using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;

namespace Serverless.Benchmarks.Processes;

/// <summary>A started HTTP server: the function app or the reference app, on 127.0.0.1.</summary>
internal sealed class Server(ChildProcess process, Uri baseUrl, string webhookPath, TimeSpan coldStart, string? allocationFile) : IAsyncDisposable
{
    public ChildProcess Process { get; } = process;

    public Uri BaseUrl { get; } = baseUrl;

    /// <summary>Where webhooks go: the generic source for the app, the same path for the reference.</summary>
    public Uri WebhookUrl(string channel) => new(BaseUrl, $"{webhookPath}/{channel}");

    /// <summary>Process start to the first healthy answer.</summary>
    public TimeSpan ColdStart { get; } = coldStart;

    /// <summary>Bytes allocated by the process so far, when it runs with the allocation probe.</summary>
    public long? AllocatedBytes() => allocationFile is null ? null : AllocationProbe.Read(allocationFile);

    public async ValueTask DisposeAsync()
    {
        await Process.DisposeAsync();
        if (allocationFile is not null)
        {
            File.Delete(allocationFile);
        }
    }
}

internal static class Servers
{
    public const string WebhookToken = "dev-webhook-token";
    public const string RelayToken = "dev-relay-token";

    /// <summary>
    /// The function app as `dotnet run` serves it (the local default), with the built dll started by
    /// <c>dotnet</c>; in memory, or durable when <paramref name="storage"/> is a connection string.
    /// </summary>
    /// <param name="assembly">Another build of the app (the ReadyToRun publish) instead of the harness's reference to it.</param>
    public static Task<Server> StartFunctionsAsync(string logDirectory, string label, string? storage = null, IReadOnlyDictionary<string, string?>? settings = null, bool probeAllocations = false, string? assembly = null)
    {
        assembly ??= Paths.FunctionsAssembly;
        if (!File.Exists(assembly))
        {
            throw new FileNotFoundException($"The function app is not built at {assembly}; run the harness with `dotnet run -c {Paths.Configuration}`.");
        }

        var environment = new Dictionary<string, string?>(settings ?? new Dictionary<string, string?>())
        {
            ["Storage__ConnectionString"] = storage,
        };
        return StartAsync($"functions-{label}", assembly, [], environment, "/api/health", "/api/hooks/generic", logDirectory, probeAllocations);
    }

    /// <summary>
    /// The bare reference: a minimal ASP.NET Core app in this harness that reads the body and answers 202,
    /// or with <paramref name="storage"/> also puts it on an Azure Storage queue first.
    /// </summary>
    public static Task<Server> StartReferenceAsync(string logDirectory, string label, string? storage = null, bool probeAllocations = false)
    {
        var environment = new Dictionary<string, string?> { [ReferenceServer.QueueSetting] = storage };
        return StartAsync($"reference-{label}", Paths.HarnessAssembly, [ReferenceServer.Command], environment, "/health", "/api/hooks/generic", logDirectory, probeAllocations);
    }

    private static async Task<Server> StartAsync(
        string name, string assembly, string[] arguments, Dictionary<string, string?> environment, string healthPath, string webhookPath, string logDirectory, bool probeAllocations)
    {
        var port = ChildProcess.FreePort();
        var baseUrl = new Uri($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}");
        string? allocationFile = null;
        if (probeAllocations)
        {
            allocationFile = Path.Combine(Path.GetTempPath(), $"bench-alloc-{Guid.NewGuid():N}");
            environment["DOTNET_STARTUP_HOOKS"] = Paths.HarnessAssembly;
            environment[AllocationProbe.FileSetting] = allocationFile;
        }

        ChildProcess.WarmUp();
        var process = ChildProcess.Start(name, "dotnet", [assembly, .. arguments, "--urls", baseUrl.ToString()], environment, Path.Combine(logDirectory, name + ".log"));
        try
        {
            var coldStart = await process.WaitHealthyAsync(new Uri(baseUrl, healthPath), TimeSpan.FromSeconds(60));
            return new Server(process, baseUrl, webhookPath, coldStart, allocationFile);
        }
        catch
        {
            await process.DisposeAsync();
            throw;
        }
    }
}

/// <summary>Azurite from tests/azurite (the tests' own install), on free loopback ports, data in a temporary folder.</summary>
internal sealed class AzuriteServer : IAsyncDisposable
{
    // Azurite's fixed, publicly documented development account; it protects nothing.
    private const string DevAccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private readonly ChildProcess _process;
    private readonly string _location;

    private AzuriteServer(ChildProcess process, string location, int blob, int queue, int table)
    {
        _process = process;
        _location = location;
        ConnectionString =
            $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={DevAccountKey};" +
            $"BlobEndpoint=http://127.0.0.1:{blob}/devstoreaccount1;QueueEndpoint=http://127.0.0.1:{queue}/devstoreaccount1;" +
            $"TableEndpoint=http://127.0.0.1:{table}/devstoreaccount1;";
    }

    public string ConnectionString { get; }

    public static string Entry => Path.Combine(Paths.AzuriteDirectory, "node_modules", "azurite", "dist", "src", "azurite.js");

    /// <summary>Installs Azurite into tests/azurite with <c>npm ci</c> when the tests have not done so yet; null when it is there.</summary>
    public static async Task<string?> EnsureInstalledAsync()
    {
        if (File.Exists(Entry))
        {
            return null;
        }

        Console.WriteLine($"Installing Azurite with npm into {Paths.AzuriteDirectory} (once)...");
        try
        {
            var npm = new ProcessStartInfo("npm") { WorkingDirectory = Paths.AzuriteDirectory, UseShellExecute = false };
            foreach (var argument in new[] { "ci", "--no-audit", "--no-fund", "--loglevel=error" })
            {
                npm.ArgumentList.Add(argument);
            }

            using var process = Process.Start(npm)!;
            await process.WaitForExitAsync();
            return process.ExitCode == 0 && File.Exists(Entry) ? null : $"npm ci in tests/azurite failed (exit {process.ExitCode})";
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            return $"npm is not available: {ex.Message}";
        }
    }

    public static async Task<AzuriteServer> StartAsync(string logDirectory, string label)
    {
        int blob = ChildProcess.FreePort(), queue = ChildProcess.FreePort(), table = ChildProcess.FreePort();
        var location = Directory.CreateTempSubdirectory("bench-azurite").FullName;
        string Port(int p) => p.ToString(CultureInfo.InvariantCulture);
        var process = ChildProcess.Start(
            $"azurite-{label}",
            "node",
            [
                Entry,
                "--blobHost", "127.0.0.1", "--blobPort", Port(blob),
                "--queueHost", "127.0.0.1", "--queuePort", Port(queue),
                "--tableHost", "127.0.0.1", "--tablePort", Port(table),
                "--location", location,
                "--skipApiVersionCheck", "--loose", "--silent", "--disableTelemetry",
            ],
            new Dictionary<string, string?>(),
            Path.Combine(logDirectory, $"azurite-{label}.log"));
        var server = new AzuriteServer(process, location, blob, queue, table);
        var deadline = Stopwatch.GetTimestamp() + (60 * Stopwatch.Frequency);
        foreach (var port in new[] { blob, queue, table })
        {
            while (!await AcceptsAsync(port))
            {
                if (process.HasExited || Stopwatch.GetTimestamp() > deadline)
                {
                    await server.DisposeAsync();
                    throw new InvalidOperationException($"Azurite did not start; see {process.LogFile}");
                }

                await Task.Delay(50);
            }
        }

        return server;
    }

    private static async Task<bool> AcceptsAsync(int port)
    {
        using var client = new TcpClient();
        try
        {
            await client.ConnectAsync(System.Net.IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _process.DisposeAsync();
        try
        {
            Directory.Delete(_location, recursive: true);
        }
        catch (IOException)
        {
            // A temporary folder; leaving it behind is harmless.
        }
    }
}
