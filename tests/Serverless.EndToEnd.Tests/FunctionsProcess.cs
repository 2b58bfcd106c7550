using System.Diagnostics;
using System.Reflection;

namespace Serverless.EndToEnd.Tests;

/// <summary>The function app as its own process on 127.0.0.1, so a test can kill it for real.</summary>
public sealed class FunctionsProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly System.Collections.Concurrent.ConcurrentQueue<string> _output;

    private FunctionsProcess(Process process, Uri baseUrl, System.Collections.Concurrent.ConcurrentQueue<string> output)
    {
        _process = process;
        BaseUrl = baseUrl;
        _output = output;
    }

    public Uri BaseUrl { get; }

    /// <summary>Every line the process wrote to stdout and stderr so far.</summary>
    public string Output => string.Join('\n', _output);

    public static async Task<FunctionsProcess> StartAsync(int port, IDictionary<string, string> settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var assembly = typeof(FunctionsProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "FunctionsAssembly").Value!;
        var baseUrl = new Uri($"http://127.0.0.1:{port}");
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { assembly, "--urls", baseUrl.ToString() },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var (key, value) in settings)
        {
            start.Environment[key] = value;
        }

        return await StartAsync(start, baseUrl, TimeSpan.FromSeconds(60));
    }

    /// <summary>
    /// The app as a user starts it: <paramref name="command"/> (the README's <c>dotnet run --project functions</c>) run by
    /// a shell in <paramref name="folder"/>, listening on <paramref name="baseUrl"/>; it builds first, so it has minutes.
    /// </summary>
    public static Task<FunctionsProcess> StartFromSourceAsync(string command, string folder, Uri baseUrl)
    {
        ArgumentNullException.ThrowIfNull(baseUrl);
        var start = new ProcessStartInfo("sh", ["-c", $"exec {command} -- --urls {baseUrl}"])
        {
            WorkingDirectory = folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        return StartAsync(start, baseUrl, TimeSpan.FromMinutes(8));
    }

    private static async Task<FunctionsProcess> StartAsync(ProcessStartInfo start, Uri baseUrl, TimeSpan healthyWithin)
    {
        var process = Process.Start(start)!;
        var output = new System.Collections.Concurrent.ConcurrentQueue<string>();
        process.OutputDataReceived += (_, e) => output.Enqueue(e.Data ?? string.Empty);
        process.ErrorDataReceived += (_, e) => output.Enqueue(e.Data ?? string.Empty);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var http = new HttpClient { BaseAddress = baseUrl, Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow + healthyWithin;
        while (DateTime.UtcNow < deadline && !process.HasExited)
        {
            try
            {
                using var response = await http.GetAsync(new Uri("/api/health", UriKind.Relative));
                if (response.IsSuccessStatusCode)
                {
                    return new FunctionsProcess(process, baseUrl, output);
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException)
            {
                // Not answering yet.
            }

            await Task.Delay(100);
        }

        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
        }

        throw new InvalidOperationException($"The function app did not become healthy at {baseUrl}:\n{string.Join('\n', output)}");
    }

    /// <summary>Ends the process at once, as a crash or a host recycle would.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process.Dispose();
    }
}
