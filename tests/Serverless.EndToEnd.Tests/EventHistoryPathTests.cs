using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Functions.Inbox;
using Serverless.Testing;

namespace Serverless.EndToEnd.Tests;

/// <summary>An event's history through the whole path on the local default: webhook in, a real relay process shows and acknowledges it.</summary>
public sealed class EventHistoryPathTests(LocalDefaultApp local) : IClassFixture<LocalDefaultApp>
{
    private readonly RunningFunctionsApp _app = local.App;
    private readonly HttpClient _http = local.Http;

    private async Task<JsonNode?> HistoryAsync(string channel, string id)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri($"/api/relay/history/{id}?channel={channel}", UriKind.Relative));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "dev-relay-token");
        using var response = await _http.SendAsync(request);
        return response.IsSuccessStatusCode ? JsonNode.Parse(await response.Content.ReadAsStringAsync()) : null;
    }

    private static List<string> Steps(JsonNode? record) => record is null ? [] : [.. record["steps"]!.AsArray().Select(s => (string)s!["step"]!)];

    private async Task<JsonNode?> HistoryUntilAsync(string channel, string id, string step)
    {
        JsonNode? record = null;
        Assert.True(
            await RelayProcess.EventuallyAsync(
                () => Steps(record = HistoryAsync(channel, id).GetAwaiter().GetResult()).Contains(step),
                TimeSpan.FromSeconds(30)),
            $"no {step} step: " + record?.ToJsonString());
        return record;
    }

    private static void AssertInOrderAndRecent(JsonNode record)
    {
        var times = record["steps"]!.AsArray().Select(s => (DateTimeOffset)s!["at"]!).ToList();
        Assert.Equal(times.Order(), times);
        Assert.All(times, t => Assert.InRange(t, DateTimeOffset.UtcNow.AddMinutes(-2), DateTimeOffset.UtcNow.AddSeconds(1)));
    }

    [Fact]
    public async Task The_history_of_one_event_rung_into_a_running_relay_shows_every_step_in_order_including_shown()
    {
        await using var relay = await RelayProcess.StartAsync(_app.BaseUrl, "hist-push", "dev-relay-token");
        await WebhookToChannelTests.WaitUntilConnectedAsync(relay);
        var id = await Webhook.PostAcceptedAsync(_http, "hist-push", new { title = "Checkout latency" });

        var record = await HistoryUntilAsync("hist-push", id, "acknowledged");

        Assert.Equal(["received", "stored", "rung", "taken", "shown", "acknowledged"], Steps(record));
        AssertInOrderAndRecent(record!);
        var shownAt = (DateTimeOffset)record!["steps"]![4]!["at"]!;
        Assert.Single(relay.Notifications);
        Assert.InRange(shownAt, (DateTimeOffset)record["steps"]![3]!["at"]!, (DateTimeOffset)record["steps"]![5]!["at"]!);
    }

    [Fact]
    public async Task The_history_of_one_event_through_the_whole_path_shows_every_step_in_order_with_times()
    {
        // Sent before the relay runs, so the relay takes it from the backlog; no relay listened, so nothing rang.
        var id = await Webhook.PostAcceptedAsync(_http, "hist-path", new { title = "Deploy failed" });
        await using var relay = await RelayProcess.StartAsync(_app.BaseUrl, "hist-path", "dev-relay-token");
        await relay.SettledAsync(1, () => Task.FromResult(_app.Services.GetRequiredService<EmbeddedEventInbox>().Count("hist-path")), TimeSpan.FromSeconds(30));

        var record = await HistoryUntilAsync("hist-path", id, "acknowledged");

        Assert.Equal(["received", "stored", "taken", "shown", "acknowledged"], Steps(record));
        Assert.Equal("acknowledged", (string?)record!["status"]);
        Assert.Equal("generic", (string?)record["source"]);
        AssertInOrderAndRecent(record);

        // Claude sees the same through the list_events tool.
        var listed = await relay.Client.CallToolAsync("list_events", new Dictionary<string, object?> { ["status"] = "acknowledged" });
        var table = Assert.Single(listed.Content.OfType<ModelContextProtocol.Protocol.TextContentBlock>()).Text;
        Assert.Contains(id, table, StringComparison.Ordinal);
        Assert.Contains("acknowledged", table, StringComparison.Ordinal);
        var bad = await relay.Client.CallToolAsync("list_events", new Dictionary<string, object?> { ["since"] = "yesterday" });
        Assert.True(bad.IsError);
    }

    private Task<(int ExitCode, string Stdout, string Stderr)> RunRelayAsync(string channel, params string[] arguments) =>
        RelayProcess.RunCommandAsync(_app.BaseUrl, channel, arguments);

    [Fact]
    public async Task Relay_replay_shows_a_past_event_once_more_with_a_new_id_naming_the_original()
    {
        await using var relay = await RelayProcess.StartAsync(_app.BaseUrl, "hist-replay", "dev-relay-token");
        await WebhookToChannelTests.WaitUntilConnectedAsync(relay);
        var id = await Webhook.PostAcceptedAsync(_http, "hist-replay", new { title = "Payment failed", severity = "error" });
        await HistoryUntilAsync("hist-replay", id, "acknowledged");

        var replay = await RunRelayAsync("hist-replay", "replay", id);

        Assert.True(replay.ExitCode == 0, replay.Stderr);
        var newId = replay.Stdout.Trim();
        Assert.Matches("^[0-9a-f]{32}$", newId);
        Assert.NotEqual(id, newId);
        await relay.SettledAsync(2, () => Task.FromResult(_app.Services.GetRequiredService<EmbeddedEventInbox>().Count("hist-replay")), TimeSpan.FromSeconds(30));
        Assert.Equal([id, newId], relay.DeliveredEventIds);
        var shown = relay.Notifications.Single(n => (string?)n["meta"]!["event_id"] == newId);
        Assert.Equal(id, (string?)shown["meta"]!["replay_of"]);
        Assert.Equal("error", (string?)shown["meta"]!["severity"]);
        Assert.Contains("Payment failed", (string?)shown["content"], StringComparison.Ordinal);
        Assert.False(relay.Notifications.Single(n => (string?)n["meta"]!["event_id"] == id)["meta"]!.AsObject().ContainsKey("replay_of"));
    }

    [Fact]
    public async Task Relay_replay_of_an_unknown_event_says_so_and_sends_nothing()
    {
        var unknown = await RunRelayAsync("hist-replay-unknown", "replay", "0123456789abcdef0123456789abcdef");

        Assert.Equal(1, unknown.ExitCode);
        Assert.Contains("404", unknown.Stderr, StringComparison.Ordinal);
        Assert.Contains("has no event 0123456789abcdef0123456789abcdef to replay", unknown.Stderr, StringComparison.Ordinal);
        Assert.Empty(unknown.Stdout);
        Assert.Equal(0, _app.Services.GetRequiredService<EmbeddedEventInbox>().Count("hist-replay-unknown"));
    }

    [Fact]
    public async Task Relay_events_lists_the_channel_as_a_table_and_as_json_and_shows_one_event()
    {
        var id = await Webhook.PostAcceptedAsync(_http, "hist-cli", new { title = "Disk full on db-1" });
        await Webhook.PostAcceptedAsync(_http, "hist-cli-other", new { title = "not this channel" });

        var table = await RelayEventuallyAsync("hist-cli", id, "events");
        Assert.Contains("STATUS", table, StringComparison.Ordinal);
        Assert.Contains("Disk full on db-1", table, StringComparison.Ordinal);
        Assert.DoesNotContain("not this channel", table, StringComparison.Ordinal);

        var json = await RunRelayAsync("hist-cli", "events", "--json", "--source", "generic", "--since", "10m");
        Assert.Equal(0, json.ExitCode);
        var listed = JsonNode.Parse(json.Stdout)!;
        Assert.Equal(id, (string?)Assert.Single(listed["events"]!.AsArray())!["id"]);

        var one = await RunRelayAsync("hist-cli", "events", id);
        Assert.Equal(0, one.ExitCode);
        Assert.Contains($"Event {id}", one.Stdout, StringComparison.Ordinal);
        Assert.Contains("received", one.Stdout, StringComparison.Ordinal);
        Assert.Contains("stored", one.Stdout, StringComparison.Ordinal);

        var bad = await RunRelayAsync("hist-cli", "events", "--status", "lost");
        Assert.Equal(1, bad.ExitCode);
        Assert.Contains("Unknown status 'lost'", bad.Stderr, StringComparison.Ordinal);
        Assert.Empty(bad.Stdout);

        var unknown = await RunRelayAsync("hist-cli", "events", "0123456789abcdef");
        Assert.Equal(1, unknown.ExitCode);
        Assert.Contains("no history of event", unknown.Stderr, StringComparison.Ordinal);
    }

    // The history is written in the background: the listing is read until the event is in it.
    private async Task<string> RelayEventuallyAsync(string channel, string id, params string[] arguments)
    {
        var output = "";
        for (var attempt = 0; attempt < 20 && !output.Contains(id, StringComparison.Ordinal); attempt++)
        {
            var run = await RunRelayAsync(channel, arguments);
            Assert.True(run.ExitCode == 0, run.Stderr);
            output = run.Stdout;
        }

        Assert.Contains(id, output, StringComparison.Ordinal);
        return output;
    }

    [Fact]
    public async Task Relay_tail_prints_an_event_after_its_webhook_and_takes_nothing_from_the_queue()
    {
        var before = await Webhook.PostAcceptedAsync(_http, "hist-tail", new { title = "before tail started" });
        using var process = Process.Start(RelayProcess.StartInfo("dev-relay-token", "tail", "--url", _app.BaseUrl.ToString(), "--channel", "hist-tail"))!;
        var lines = new ConcurrentQueue<string>();
        var errors = new ConcurrentQueue<string>();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { lines.Enqueue(e.Data); } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { errors.Enqueue(e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            Assert.True(
                await RelayProcess.EventuallyAsync(() => errors.Any(l => l.Contains("following new events", StringComparison.Ordinal)), TimeSpan.FromSeconds(30)),
                "tail did not start: " + string.Join('\n', errors));

            var id = await Webhook.PostAcceptedAsync(_http, "hist-tail", new { title = "Checkout is down" });

            Assert.True(
                await RelayProcess.EventuallyAsync(() => lines.Any(l => l.Contains(id, StringComparison.Ordinal)), TimeSpan.FromSeconds(30)),
                "tail did not print the event: " + string.Join('\n', lines) + string.Join('\n', errors));
            var line = lines.Single(l => l.Contains(id, StringComparison.Ordinal));
            Assert.Contains("Checkout is down", line, StringComparison.Ordinal);
            Assert.DoesNotContain(lines, l => l.Contains(before, StringComparison.Ordinal));
            Assert.Equal(2, _app.Services.GetRequiredService<EmbeddedEventInbox>().Count("hist-tail"));
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }
}
