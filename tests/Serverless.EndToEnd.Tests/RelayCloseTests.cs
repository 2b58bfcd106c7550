using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Serverless.Testing;

namespace Serverless.EndToEnd.Tests;

/// <summary>
/// The relay closed while it shows events, the way Claude Code closes a stdio server: every event it took is
/// either written to stdout before it exits or back in the queue at once, never left to the visibility timeout.
/// </summary>
[Collection(RunsAlone.Name)]
public sealed class RelayCloseTests
{
    private const int Sigkill = 9;
    private const int Sigint = 2;
    private const int Sigterm = 15;

    public enum Closing
    {
        /// <summary>Claude Code 2.1.337: stdin closed and SIGINT at once, SIGTERM 100 ms later, SIGKILL at 500 ms; it reads stdout until then.</summary>
        ClaudeCode,
        StdinOnly,
        Sigint,
        Sigterm,
    }

    [Theory]
    [InlineData(Closing.ClaudeCode)]
    [InlineData(Closing.StdinOnly)]
    [InlineData(Closing.Sigint)]
    [InlineData(Closing.Sigterm)]
    public async Task Each_event_the_relay_took_is_written_before_it_exits_or_back_in_the_queue_at_once(Closing closing)
    {
        var channel = $"close-{closing.ToString().ToLowerInvariant()}";
        await using var app = await RunningFunctionsApp.StartAsync();
        using var http = app.CreateClient();
        var ids = new List<string>();
        for (var i = 0; i < 400; i++)
        {
            ids.Add(await Webhook.PostAcceptedAsync(http, channel, new { title = $"event {i}", body = new string('x', 200) }));
        }

        // A visibility timeout far longer than the test: an event that is neither written nor released stays hidden.
        var start = RelayProcess.StartInfo(
            "dev-relay-token", "--url", app.BaseUrl.ToString(), "--channel", channel, "--state-file", RelayProcess.NewStateFile(), "--visibility-timeout", "600");
        await using var relay = RawStdioClient.Start(start);
        await relay.SendAsync(ClaudeCodeHandshakeTests.Initialize);
        await relay.ResponseAsync("0", TimeSpan.FromSeconds(30));
        await relay.SendAsync(ClaudeCodeHandshakeTests.Initialized);
        Assert.True(await RelayProcess.EventuallyAsync(() => relay.Notifications(RelayProcess.ChannelMethod).Count > 0, TimeSpan.FromSeconds(30)), relay.Stderr);

        // Closed while it shows the backlog, then killed as the client would kill it.
        var closed = Stopwatch.StartNew();
        switch (closing)
        {
            case Closing.ClaudeCode:
                relay.CloseInput();
                relay.Signal(Sigint);
                await Task.Delay(100);
                relay.Signal(Sigterm);
                break;
            case Closing.StdinOnly:
                relay.CloseInput();
                break;
            case Closing.Sigint:
                relay.Signal(Sigint);
                break;
            case Closing.Sigterm:
                relay.Signal(Sigterm);
                break;
        }

        var left = TimeSpan.FromMilliseconds(500) - closed.Elapsed;
        if (!relay.WaitForExit(left > TimeSpan.Zero ? left : TimeSpan.Zero))
        {
            relay.Signal(Sigkill);
        }

        await relay.ExitedAsync(TimeSpan.FromSeconds(10));

        var written = relay.Notifications(RelayProcess.ChannelMethod).Select(n => (string)n["params"]!["meta"]!["event_id"]!).ToHashSet();
        var waiting = await VisibleNowAsync(http, channel);
        var lost = ids.Where(id => !written.Contains(id) && !waiting.Contains(id)).ToList();
        var loggedShown = lost.Count(id => relay.Stderr.Contains($"Delivered event {id} ", StringComparison.Ordinal));
        Assert.True(
            lost.Count == 0,
            $"{lost.Count} of {ids.Count} events were neither written ({written.Count}) nor back in the queue ({waiting.Count}) after {closing}; the relay logged {loggedShown} of them as delivered\n{relay.Stderr}");
        Assert.True(written.Count < ids.Count, "the relay showed every event before it was closed; the test closed it too late to mean anything");
    }

    /// <summary>Every event of the channel that a receive can take right now (taken for ten minutes, so none comes twice).</summary>
    private static async Task<HashSet<string>> VisibleNowAsync(HttpClient http, string channel)
    {
        var ids = new HashSet<string>();
        while (true)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/api/relay/backlog", UriKind.Relative))
            {
                Content = JsonContent.Create(new { channel, max = 32, visibility_seconds = 600 }),
            };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "dev-relay-token");
            using var response = await http.SendAsync(request);
            response.EnsureSuccessStatusCode();
            var events = (await response.Content.ReadFromJsonAsync<JsonObject>())!["events"]!.AsArray();
            if (events.Count == 0)
            {
                return ids;
            }

            foreach (var e in events)
            {
                ids.Add((string)e!["event"]!["id"]!);
            }
        }
    }
}
