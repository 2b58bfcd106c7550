using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Yarp.ReverseProxy.Forwarder;

namespace Serverless.EndToEnd.Tests.FunctionsHost;

/// <summary>
/// A stand-in for the Azure Functions host running a published .NET isolated app, because neither the
/// host nor Core Tools can be had here (Core Tools' npm package downloads the host from outside, and the
/// host's source does not build from the public feed). It does what the host does: starts the worker
/// process the app's worker.config.json describes, with the host's arguments and variables
/// (RpcWorkerProcess and RpcWorkerContext), serves the worker's gRPC stream (<see cref="WorkerChannel"/>)
/// and the public HTTP side (<see cref="HttpFront"/>), each on its own port on 127.0.0.1.
/// </summary>
public sealed class FakeFunctionsHost : IAsyncDisposable
{
    /// <summary>The host's request body limit (FUNCTIONS_REQUEST_BODY_SIZE_LIMIT's default, 100 MB).</summary>
    public const long MaxRequestBodyBytes = 104_857_600;

    /// <summary>The gRPC message limit the host passes (RpcWorkerConstants.DefaultMaxMessageLengthBytes).</summary>
    private const int GrpcMaxMessageLength = int.MaxValue;

    private readonly WebApplication _server;
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output;
    private readonly HttpFront _front;

    private FakeFunctionsHost(WebApplication server, Process process, ConcurrentQueue<string> output, WorkerChannel worker, HttpFront front, Uri baseUrl)
    {
        _server = server;
        _process = process;
        _output = output;
        Worker = worker;
        _front = front;
        BaseUrl = baseUrl;
    }

    /// <summary>The host's HTTP front (what a function URL would be).</summary>
    public Uri BaseUrl { get; }

    public WorkerChannel Worker { get; }

    /// <summary>Failed invocations and forwarding errors; a test that expects none asserts it is empty.</summary>
    public IReadOnlyCollection<string> Failures => _front.Failures;

    /// <summary>Everything the worker process wrote to stdout and stderr.</summary>
    public string Output => string.Join('\n', _output);

    public HttpClient CreateClient() => new() { BaseAddress = BaseUrl, Timeout = TimeSpan.FromSeconds(60) };

    /// <summary>
    /// Starts the worker in <paramref name="appDirectory"/> (the published app, as in the deployment zip)
    /// with <paramref name="appSettings"/> as environment variables (the host passes the app settings it
    /// was given in its own environment), and returns once every function is loaded.
    /// </summary>
    public static async Task<FakeFunctionsHost> StartAsync(string appDirectory, IReadOnlyDictionary<string, string> appSettings)
    {
        var host = await LaunchAsync(appDirectory, appSettings);
        try
        {
            // The host's process start-up and initialization timeouts are a minute each.
            var loaded = host.Worker.Loaded;
            var first = await Task.WhenAny(loaded, host._process.WaitForExitAsync()).WaitAsync(TimeSpan.FromSeconds(90));
            if (first != loaded)
            {
                throw new InvalidOperationException($"The worker exited with {host._process.ExitCode} before its functions were loaded.");
            }

            host._front.Map(await loaded);
            return host;
        }
        catch (Exception ex)
        {
            var output = host.Output;
            await host.DisposeAsync();
            throw new InvalidOperationException($"The worker did not start under the host: {ex.Message}\n{output}\n{host.Worker.Logs}", ex);
        }
    }

    /// <summary>
    /// Starts the worker as the host would, with the host there, and waits for the worker to exit on its
    /// own; its exit code and output. A worker that passed its start-up checks would connect, load its
    /// functions and keep running, and the wait fails.
    /// </summary>
    public static async Task<(int ExitCode, string Output)> RunUntilExitAsync(string appDirectory, IReadOnlyDictionary<string, string> appSettings)
    {
        await using var host = await LaunchAsync(appDirectory, appSettings);
        try
        {
            await host._process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        }
        catch (TimeoutException)
        {
            throw new InvalidOperationException($"The worker did not exit (functions loaded: {host.Worker.Loaded.IsCompletedSuccessfully}):\n{host.Output}");
        }

        // Let the redirected output drain.
        host._process.WaitForExit();
        return (host._process.ExitCode, host.Output);
    }

    /// <summary>The host's two servers on 127.0.0.1 (gRPC for the worker, HTTP for callers), then the worker process.</summary>
    private static async Task<FakeFunctionsHost> LaunchAsync(string appDirectory, IReadOnlyDictionary<string, string> appSettings)
    {
        var workerId = Guid.NewGuid().ToString();
        var worker = new WorkerChannel(workerId, appDirectory);
        var grpcPort = Azurite.FreePort();
        var httpPort = Azurite.FreePort();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            // The host's gRPC server speaks HTTP/2 without TLS on loopback.
            kestrel.Listen(IPAddress.Loopback, grpcPort, listen => listen.Protocols = HttpProtocols.Http2);
            kestrel.Listen(IPAddress.Loopback, httpPort, listen => listen.Protocols = HttpProtocols.Http1AndHttp2);
            kestrel.Limits.MaxRequestBodySize = MaxRequestBodyBytes;
        });
        builder.Services.AddSingleton(worker);
        builder.Services.AddGrpc(grpc =>
        {
            grpc.MaxReceiveMessageSize = GrpcMaxMessageLength;
            grpc.MaxSendMessageSize = GrpcMaxMessageLength;
        });
        builder.Services.AddHttpForwarder();
        var server = builder.Build();
        var front = new HttpFront(worker, server.Services.GetRequiredService<IHttpForwarder>(), RoutePrefix(appDirectory));
        server.UseWhen(c => c.Connection.LocalPort == httpPort, http => http.Run(front.HandleAsync));
        server.MapGrpcService<WorkerChannel>();
        await server.StartAsync();

        var output = new ConcurrentQueue<string>();
        var process = StartWorker(appDirectory, appSettings, new Uri($"http://127.0.0.1:{grpcPort}/"), workerId, output);
        return new FakeFunctionsHost(server, process, output, worker, front, new Uri($"http://127.0.0.1:{httpPort}"));
    }

    /// <summary>
    /// The worker process as the host starts it: the executable and worker path from worker.config.json,
    /// run in the app's directory, with the host's two sets of arguments (the original names, and the
    /// <c>--functions-</c> ones newer workers read), the directories the host names in the environment,
    /// and the runtime setting. The host also copies its own environment, as <see cref="ProcessStartInfo"/>
    /// does here.
    /// </summary>
    private static Process StartWorker(string appDirectory, IReadOnlyDictionary<string, string> appSettings, Uri grpcUri, string workerId, ConcurrentQueue<string> output)
    {
        var description = JsonNode.Parse(File.ReadAllText(Path.Combine(appDirectory, "worker.config.json")))!["description"]!;
        // Stricter than a host that would fall back to reading function.json files: this app indexes itself.
        if ((string?)description["workerIndexing"] != "true")
        {
            throw new InvalidOperationException("worker.config.json does not ask for worker indexing");
        }

        var requestId = Guid.NewGuid().ToString();
        var start = new ProcessStartInfo((string)description["defaultExecutablePath"]!)
        {
            WorkingDirectory = appDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in description["arguments"]?.AsArray() ?? [])
        {
            start.ArgumentList.Add((string)argument!);
        }

        start.ArgumentList.Add(Path.Combine(appDirectory, (string)description["defaultWorkerPath"]!));
        foreach (var argument in description["workerArguments"]?.AsArray() ?? [])
        {
            start.ArgumentList.Add((string)argument!);
        }

        string[] hostArguments =
        [
            "--host", grpcUri.Host, "--port", grpcUri.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--workerId", workerId, "--requestId", requestId,
            "--grpcMaxMessageLength", GrpcMaxMessageLength.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--functions-uri", grpcUri.AbsoluteUri, "--functions-worker-id", workerId, "--functions-request-id", requestId,
            "--functions-grpc-max-message-length", GrpcMaxMessageLength.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ];
        foreach (var argument in hostArguments)
        {
            start.ArgumentList.Add(argument);
        }

        // A test runner's own variables must not turn the worker into something the host would not start.
        start.Environment.Remove("ASPNETCORE_URLS");
        start.Environment.Remove("DOTNET_URLS");
        start.Environment["FUNCTIONS_WORKER_RUNTIME"] = "dotnet-isolated";
        start.Environment["AzureWebJobsScriptRoot"] = appDirectory;
        start.Environment["FUNCTIONS_WORKER_DIRECTORY"] = appDirectory;
        start.Environment["FUNCTIONS_APPLICATION_DIRECTORY"] = appDirectory;
        foreach (var (key, value) in appSettings)
        {
            start.Environment[key] = value;
        }

        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, e) => output.Enqueue(e.Data ?? string.Empty);
        process.ErrorDataReceived += (_, e) => output.Enqueue(e.Data ?? string.Empty);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    /// <summary>The route prefix from host.json (<c>extensions.http.routePrefix</c>), "api" when not set, as the host reads it.</summary>
    private static string RoutePrefix(string appDirectory)
    {
        var host = JsonNode.Parse(File.ReadAllText(Path.Combine(appDirectory, "host.json")));
        return (string?)host?["extensions"]?["http"]?["routePrefix"] ?? "api";
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        await _server.StopAsync();
        await _server.DisposeAsync();
        _front.Dispose();
    }
}
