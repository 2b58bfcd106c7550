using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Reflection;

namespace Serverless.EndToEnd.Tests;

/// <summary>
/// Azurite (installed into tests/azurite by the build) on 127.0.0.1, on free ports, with its data in a
/// temporary folder so it can be stopped and started again without losing queued messages.
/// </summary>
public sealed class Azurite : IAsyncDisposable
{
    // Azurite's fixed, publicly documented development account; it protects nothing.
    private const string DevAccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private readonly string _location = Directory.CreateTempSubdirectory("azurite").FullName;
    private Process? _process;

    public Azurite(int? queuePort = null)
    {
        QueuePort = queuePort ?? FreePort();
        BlobPort = FreePort();
        TablePort = FreePort();
    }

    public int QueuePort { get; }

    public int BlobPort { get; }

    public int TablePort { get; }

    public string ConnectionString =>
        $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={DevAccountKey};" +
        $"BlobEndpoint=http://127.0.0.1:{BlobPort}/devstoreaccount1;QueueEndpoint=http://127.0.0.1:{QueuePort}/devstoreaccount1;" +
        $"TableEndpoint=http://127.0.0.1:{TablePort}/devstoreaccount1;";

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async Task StartAsync()
    {
        var directory = typeof(Azurite).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "AzuriteDirectory").Value!;
        var entry = Path.Combine(directory, "node_modules", "azurite", "dist", "src", "azurite.js");
        if (!File.Exists(entry))
        {
            throw new InvalidOperationException($"Azurite is not installed at {entry}; building the test project installs it with npm.");
        }

        var start = new ProcessStartInfo("node")
        {
            ArgumentList =
            {
                entry,
                "--blobHost", "127.0.0.1", "--blobPort", BlobPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
                "--queueHost", "127.0.0.1", "--queuePort", QueuePort.ToString(System.Globalization.CultureInfo.InvariantCulture),
                "--tableHost", "127.0.0.1", "--tablePort", TablePort.ToString(System.Globalization.CultureInfo.InvariantCulture),
                "--location", _location,
                "--skipApiVersionCheck", "--loose", "--silent",
                "--disableTelemetry",
            },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        var process = Process.Start(start) ?? throw new InvalidOperationException("node did not start");
        _process = process;
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var listening = 0;
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data?.Contains("successfully listening", StringComparison.Ordinal) == true && Interlocked.Increment(ref listening) == 3)
            {
                ready.TrySetResult();
            }
        };
        process.ErrorDataReceived += (_, _) => { };
        process.EnableRaisingEvents = true;
        process.Exited += (_, _) => ready.TrySetException(new InvalidOperationException("Azurite exited during start-up."));
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await ready.Task.WaitAsync(TimeSpan.FromSeconds(60));
    }

    public async Task StopAsync()
    {
        if (_process is { } process)
        {
            _process = null;
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }

            process.Dispose();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
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
