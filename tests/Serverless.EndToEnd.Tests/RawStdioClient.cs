using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json.Nodes;

namespace Serverless.EndToEnd.Tests;

/// <summary>
/// A process driven over stdio with hand-written JSON-RPC lines, exactly the bytes a client sends,
/// with every stdout line parsed and kept and every stderr line kept.
/// </summary>
public sealed class RawStdioClient : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<JsonObject> _messages = new();
    private readonly ConcurrentQueue<string> _stderr = new();
    private readonly ConcurrentQueue<string> _unparsed = new();
    private readonly Task _stdout;

    private RawStdioClient(Process process)
    {
        _process = process;
        _stdout = Task.Run(async () =>
        {
            while (await process.StandardOutput.ReadLineAsync() is { } line)
            {
                try
                {
                    if (JsonNode.Parse(line) is JsonObject message)
                    {
                        _messages.Enqueue(message);
                        continue;
                    }
                }
                catch (System.Text.Json.JsonException)
                {
                    // Kept below: anything on stdout that is not JSON-RPC is a defect the tests look for.
                }

                _unparsed.Enqueue(line);
            }
        });
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                _stderr.Enqueue(e.Data);
            }
        };
        process.BeginErrorReadLine();
    }

    public IReadOnlyCollection<JsonObject> Messages => [.. _messages];

    /// <summary>stdout lines that were not JSON objects.</summary>
    public IReadOnlyCollection<string> Unparsed => [.. _unparsed];

    public string Stderr => string.Join('\n', _stderr);

    public static RawStdioClient Start(ProcessStartInfo start)
    {
        ArgumentNullException.ThrowIfNull(start);
        start.RedirectStandardInput = true;
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        return new RawStdioClient(Process.Start(start)!);
    }

    public async Task SendAsync(string line)
    {
        await _process.StandardInput.WriteLineAsync(line);
        await _process.StandardInput.FlushAsync();
    }

    /// <summary>The answer to request <paramref name="id"/> (a string or number id, as sent).</summary>
    public async Task<JsonObject> ResponseAsync(string id, TimeSpan within)
    {
        JsonObject? found = null;
        var arrived = await RelayProcess.EventuallyAsync(
            () => (found = Messages.FirstOrDefault(m => m["id"]?.ToJsonString() == id && m["method"] is null)) is not null,
            within);
        Assert.True(arrived, $"no answer to request {id}; stdout: {string.Join('\n', Messages.Select(m => m.ToJsonString()))}\nstderr: {Stderr}");
        return found!;
    }

    public IReadOnlyList<JsonObject> Notifications(string method) =>
        [.. Messages.Where(m => (string?)m["method"] == method && m["id"] is null)];

    public void CloseInput() => _process.StandardInput.Close();

    /// <summary>Sends a POSIX signal (SIGINT 2, SIGTERM 15, SIGKILL 9) to the process, as a client closing it does.</summary>
    public void Signal(int signal)
    {
        if (!_process.HasExited)
        {
            _ = Kill(_process.Id, signal);
        }
    }

    /// <summary>Completes when the process has exited and everything it wrote to stdout has been read.</summary>
    public async Task ExitedAsync(TimeSpan within)
    {
        await _process.WaitForExitAsync().WaitAsync(within);
        await _stdout.WaitAsync(within);
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);

    public bool WaitForExit(TimeSpan within) => _process.WaitForExit(within);

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            try
            {
                _process.StandardInput.Close();
            }
            catch (IOException)
            {
                // Already gone.
            }

            if (!_process.WaitForExit(3000))
            {
                _process.Kill(entireProcessTree: true);
            }
        }

        await _stdout.WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        _process.Dispose();
    }
}
