using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Serverless.Testing;

namespace Serverless.EndToEnd.Tests;

/// <summary>What the relay does when things are wrong: say so on stderr, keep retrying, keep the MCP session.</summary>
[Collection(RunsAlone.Name)]
public class RelayFailureTests
{
    private static Uri ClosedPortUrl()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return new Uri($"http://127.0.0.1:{port}");
    }

    [Fact]
    public async Task A_wrong_token_is_reported_on_stderr_and_retried_while_the_session_stays_usable()
    {
        await using var app = await RunningFunctionsApp.StartAsync();
        await using var relay = await RelayProcess.StartAsync(app.BaseUrl, "ops", "not-the-token");

        Assert.True(
            await RelayProcess.EventuallyAsync(
                () => relay.Stderr.Split('\n').Count(l => l.Contains("refused the relay token", StringComparison.Ordinal)) >= 2,
                TimeSpan.FromSeconds(20)),
            relay.Stderr);
        Assert.DoesNotContain("not-the-token", relay.Stderr, StringComparison.Ordinal);
        await relay.Client.PingAsync();
        var status = await relay.Client.CallToolAsync("get_status");
        Assert.Contains("refused the relay token", string.Join('\n', status.Content.OfType<ModelContextProtocol.Protocol.TextContentBlock>().Select(c => c.Text)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unreachable_url_is_reported_on_stderr_and_retried_while_the_session_stays_usable()
    {
        var url = ClosedPortUrl();
        await using var relay = await RelayProcess.StartAsync(url, "ops", "dev-relay-token");

        Assert.True(
            await RelayProcess.EventuallyAsync(
                () => relay.Stderr.Split('\n').Count(l => l.Contains("cannot reach the function app", StringComparison.Ordinal)) >= 2,
                TimeSpan.FromSeconds(20)),
            relay.Stderr);
        // The line that reports the failure names the app (not just the start-up line, which always does).
        Assert.Contains(relay.Stderr.Split('\n'), l => l.Contains("cannot reach the function app", StringComparison.Ordinal) && l.Contains(url.Authority, StringComparison.Ordinal));
        await relay.Client.PingAsync();
        // Not "active": the session gets no events while the app cannot be reached, and says why.
        var status = string.Join('\n', (await relay.Client.CallToolAsync("get_status")).Content.OfType<ModelContextProtocol.Protocol.TextContentBlock>().Select(c => c.Text));
        Assert.Contains($"channel delivery: waiting: cannot reach the function app (cannot reach the function app at {url} (negotiate): Connection refused", status, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_a_token_the_relay_exits_with_a_clear_message_and_nothing_on_stdout()
    {
        using var process = Process.Start(RelayProcess.StartInfo(null, "--url", "http://127.0.0.1:9"))!;

        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        Assert.True(process.WaitForExit(30_000));

        Assert.Equal(2, process.ExitCode);
        Assert.Contains("no relay token", await stderr, StringComparison.Ordinal);
        Assert.Equal(string.Empty, await stdout);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task The_relay_exits_within_two_seconds_of_stdin_closing(bool reachable)
    {
        await using var app = await RunningFunctionsApp.StartAsync();
        var url = reachable ? app.BaseUrl : ClosedPortUrl();
        using var process = Process.Start(RelayProcess.StartInfo(
            "dev-relay-token", "--url", url.ToString(), "--channel", "ops", "--state-file", RelayProcess.NewStateFile()))!;
        var stderr = process.StandardError.ReadToEndAsync();

        await process.StandardInput.WriteLineAsync("""{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}""");
        await process.StandardInput.FlushAsync();
        var initialize = await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Contains("\"claude/channel\"", initialize, StringComparison.Ordinal);
        await process.StandardInput.WriteLineAsync("""{"jsonrpc":"2.0","method":"notifications/initialized"}""");
        await process.StandardInput.FlushAsync();
        await Task.Delay(1000);

        var closed = Stopwatch.StartNew();
        process.StandardInput.Close();
        var exited = process.WaitForExit(2000);
        closed.Stop();
        if (!exited)
        {
            process.Kill(entireProcessTree: true);
        }

        Assert.True(exited, $"still running {closed.Elapsed.TotalSeconds:0.0} s after stdin closed\n{await stderr}");
        Assert.Null(await process.StandardOutput.ReadLineAsync());
    }
}
