using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Functions.History;
using Serverless.Testing;

namespace Serverless.Tests.Functions.History;

/// <summary>GET /api/relay/history: a channel's events with their steps, for its own relay token only; bad input is a 400 that changes nothing.</summary>
public sealed class HistoryRouteTests(HistoryRouteTests.App fixture) : IClassFixture<HistoryRouteTests.App>
{
    private const string TokenA = "history-team-a-token-0123456789";
    private const string AdminToken = "history-admin-token-0123456789";

    public sealed class App : SharedApp
    {
        protected override Dictionary<string, string?> Settings() => new()
        {
            ["Relay:Tokens:0:Secret"] = TokenA,
            ["Relay:Tokens:0:Channels"] = "team-a",
            ["Relay:Tokens:1:Secret"] = AdminToken,
            ["Relay:Tokens:1:Channels"] = "*",
            // An event not acknowledged after one take is dead-lettered at the next.
            ["Inbox:MaxDeliveryAttempts"] = "1",
        };
    }

    private async Task<HttpResponseMessage> CallAsync(HttpMethod method, string path, string token, object? body = null)
    {
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (body is not null)
        {
            request.Content = new StringContent(System.Text.Json.JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");
        }

        return await fixture.Http.SendAsync(request);
    }

    private async Task<JsonNode> GetJsonAsync(string path, string token = AdminToken)
    {
        await fixture.Running.Services.GetRequiredService<EventHistory>().DrainAsync(default);
        using var response = await CallAsync(HttpMethod.Get, path, token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
    }

    private static List<string> Steps(JsonNode record) => [.. record["steps"]!.AsArray().Select(s => (string)s!["step"]!)];

    private async Task<string> TakeAsync(string channel)
    {
        using var backlog = await CallAsync(HttpMethod.Post, "/api/relay/backlog", AdminToken, new { channel });
        return (string)JsonNode.Parse(await backlog.Content.ReadAsStringAsync())!["events"]![0]!["receipt"]!;
    }

    [Fact]
    public async Task An_acknowledged_event_shows_each_step_in_order_with_times_including_when_the_relay_showed_it()
    {
        // No relay listens, so nothing rings: the event waits for the backlog call.
        var id = await Webhook.PostAcceptedAsync(fixture.Http, "hist-ack", new { title = "Deploy failed" });
        var receipt = await TakeAsync("hist-ack");
        var shownAt = DateTimeOffset.UtcNow;
        using var ack = await CallAsync(HttpMethod.Post, "/api/relay/ack", AdminToken, new
        {
            channel = "hist-ack",
            receipts = new[] { receipt },
            deliveries = new[] { new { shown_at = shownAt } },
        });
        Assert.Equal(HttpStatusCode.OK, ack.StatusCode);

        var record = await GetJsonAsync($"/api/relay/history/{id}?channel=hist-ack");

        Assert.Equal(id, (string?)record["id"]);
        Assert.Equal("generic", (string?)record["source"]);
        Assert.Equal("acknowledged", (string?)record["status"]);
        Assert.Equal(["received", "stored", "taken", "shown", "acknowledged"], Steps(record));
        Assert.Equal(shownAt, (DateTimeOffset)record["steps"]![3]!["at"]!);
        var times = record["steps"]!.AsArray().Select(s => (DateTimeOffset)s!["at"]!).ToList();
        Assert.Equal(times.Order(), times);
    }

    [Fact]
    public async Task An_ack_without_deliveries_from_an_older_relay_still_acknowledges_and_records_no_shown_step()
    {
        var id = await Webhook.PostAcceptedAsync(fixture.Http, "hist-old-relay", new { title = "old relay" });
        using var ack = await CallAsync(HttpMethod.Post, "/api/relay/ack", AdminToken, new { channel = "hist-old-relay", receipts = new[] { await TakeAsync("hist-old-relay") } });

        Assert.Equal(1, (int)JsonNode.Parse(await ack.Content.ReadAsStringAsync())!["acknowledged"]!);
        Assert.Equal(["received", "stored", "taken", "acknowledged"], Steps(await GetJsonAsync($"/api/relay/history/{id}?channel=hist-old-relay")));
    }

    [Fact]
    public async Task Deliveries_that_do_not_pair_with_the_receipts_get_a_problem_and_acknowledge_nothing()
    {
        await Webhook.PostAcceptedAsync(fixture.Http, "hist-pairs", new { title = "pairs" });
        var receipt = await TakeAsync("hist-pairs");
        using var ack = await CallAsync(HttpMethod.Post, "/api/relay/ack", AdminToken, new { channel = "hist-pairs", receipts = new[] { receipt }, deliveries = Array.Empty<object>() });

        Assert.Equal(HttpStatusCode.BadRequest, ack.StatusCode);
        Assert.Contains("deliveries", (string?)JsonNode.Parse(await ack.Content.ReadAsStringAsync())!["detail"], StringComparison.Ordinal);
        using var again = await CallAsync(HttpMethod.Post, "/api/relay/ack", AdminToken, new { channel = "hist-pairs", receipts = new[] { receipt } });
        Assert.Equal(1, (int)JsonNode.Parse(await again.Content.ReadAsStringAsync())!["acknowledged"]!);
    }

    [Fact]
    public async Task A_dead_lettered_event_shows_the_reason()
    {
        var id = await Webhook.PostAcceptedAsync(fixture.Http, "hist-dead", new { title = "nobody acks me" });
        using (await CallAsync(HttpMethod.Post, "/api/relay/backlog", AdminToken, new { channel = "hist-dead", visibility_seconds = 1 }))
        {
        }

        await Task.Delay(TimeSpan.FromSeconds(1.2));
        using (await CallAsync(HttpMethod.Post, "/api/relay/backlog", AdminToken, new { channel = "hist-dead" }))
        {
        }

        var list = await GetJsonAsync("/api/relay/history?channel=hist-dead&status=dead_lettered");
        var record = Assert.Single(list["events"]!.AsArray())!;
        Assert.Equal(id, (string?)record["id"]);
        Assert.Equal("dead_lettered", (string?)record["status"]);
        Assert.Contains("without an acknowledgement", (string?)record["steps"]!.AsArray()[^1]!["detail"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Redrive_empties_the_dead_letter_queue_into_the_channel_and_each_event_arrives_once()
    {
        var id = await Webhook.PostAcceptedAsync(fixture.Http, "hist-redrive", new { title = "dead then redriven" });
        using (await CallAsync(HttpMethod.Post, "/api/relay/backlog", AdminToken, new { channel = "hist-redrive", visibility_seconds = 1 }))
        {
        }

        await Task.Delay(TimeSpan.FromSeconds(1.2));
        using (await CallAsync(HttpMethod.Post, "/api/relay/backlog", AdminToken, new { channel = "hist-redrive" }))
        {
        }

        var inbox = fixture.Running.Services.GetRequiredService<Serverless.Functions.Inbox.EmbeddedEventInbox>();
        Assert.Equal(1, inbox.CountDeadLettered("hist-redrive"));

        using var redrive = await CallAsync(HttpMethod.Post, "/api/relay/redrive", AdminToken, new { channel = "hist-redrive" });
        Assert.Equal(HttpStatusCode.OK, redrive.StatusCode);
        var answer = JsonNode.Parse(await redrive.Content.ReadAsStringAsync())!;
        Assert.Equal(1, (int)answer["redriven"]!);
        Assert.Equal(id, (string?)answer["events"]![0]);
        Assert.Equal(0, inbox.CountDeadLettered("hist-redrive"));

        using var backlog = await CallAsync(HttpMethod.Post, "/api/relay/backlog", AdminToken, new { channel = "hist-redrive" });
        var events = JsonNode.Parse(await backlog.Content.ReadAsStringAsync())!["events"]!.AsArray();
        Assert.Equal([id], events.Select(e => (string)e!["event"]!["id"]!));
        using var again = await CallAsync(HttpMethod.Post, "/api/relay/redrive", AdminToken, new { channel = "hist-redrive" });
        Assert.Equal(0, (int)JsonNode.Parse(await again.Content.ReadAsStringAsync())!["redriven"]!);
    }

    [Fact]
    public async Task Replay_stores_the_event_again_under_a_new_id_that_names_the_original()
    {
        var id = await Webhook.PostAcceptedAsync(fixture.Http, "hist-replay", new { title = "Payment failed", severity = "error" });
        await fixture.Running.Services.GetRequiredService<EventHistory>().DrainAsync(default);

        using var replay = await CallAsync(HttpMethod.Post, "/api/relay/replay", AdminToken, new { channel = "hist-replay", id });

        Assert.Equal(HttpStatusCode.OK, replay.StatusCode);
        var answer = JsonNode.Parse(await replay.Content.ReadAsStringAsync())!;
        var newId = (string)answer["id"]!;
        Assert.Equal(id, (string?)answer["replay_of"]);
        Assert.NotEqual(id, newId);
        using var backlog = await CallAsync(HttpMethod.Post, "/api/relay/backlog", AdminToken, new { channel = "hist-replay" });
        var events = JsonNode.Parse(await backlog.Content.ReadAsStringAsync())!["events"]!.AsArray().Select(e => e!["event"]!).ToList();
        Assert.Equal([id, newId], events.Select(e => (string)e["id"]!));
        Assert.Equal(id, (string?)events[1]["replayof"]);
        Assert.Null(events[0]["replayof"]);
        Assert.Equal((string?)events[0]["summary"], (string?)events[1]["summary"]);
        Assert.Equal("error", (string?)events[1]["severity"]);
        Assert.Equal(["received", "stored", "taken"], Steps(await GetJsonAsync($"/api/relay/history/{newId}?channel=hist-replay")));
    }

    [Fact]
    public async Task Replay_of_an_unknown_event_is_a_404_that_says_why_and_stores_nothing()
    {
        using var unknown = await CallAsync(HttpMethod.Post, "/api/relay/replay", AdminToken, new { channel = "hist-replay-none", id = "0123456789abcdef" });
        using var bad = await CallAsync(HttpMethod.Post, "/api/relay/replay", AdminToken, new { channel = "hist-replay-none", id = "../x" });
        using var other = await CallAsync(HttpMethod.Post, "/api/relay/replay", TokenA, new { channel = "team-b", id = "0123456789abcdef" });

        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal("application/problem+json", unknown.Content.Headers.ContentType?.MediaType);
        Assert.Contains("has no event 0123456789abcdef to replay", (string?)JsonNode.Parse(await unknown.Content.ReadAsStringAsync())!["detail"], StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, other.StatusCode);
        Assert.Equal(0, fixture.Running.Services.GetRequiredService<Serverless.Functions.Inbox.EmbeddedEventInbox>().Count("hist-replay-none"));
    }

    [Fact]
    public async Task Each_event_in_the_list_carries_the_attributes_a_playbook_rule_tests()
    {
        var id = await Webhook.PostAcceptedAsync(fixture.Http, "hist-meta", new { title = "db down", severity = "critical" });

        var record = (await GetJsonAsync("/api/relay/history?channel=hist-meta"))["events"]![0]!;

        Assert.Equal(id, (string?)record["id"]);
        var meta = record["meta"]!.AsObject();
        Assert.Equal("generic", (string?)meta["kind"]);
        Assert.Equal("critical", (string?)meta["severity"]);
        Assert.Equal("hist-meta", (string?)meta["channel"]);
        Assert.NotNull((string?)meta["event_type"]);
        Assert.NotNull((string?)meta["trust"]);
    }

    [Theory]
    [InlineData("""{"channel":"hist-bad","max":0}""", "max")]
    [InlineData("""{"channel":"Not A Channel"}""", "channel")]
    public async Task A_bad_redrive_gets_a_problem_and_changes_nothing(string body, string names)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/api/relay/redrive", UriKind.Relative)) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", AdminToken);
        using var response = await fixture.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(names, (string?)JsonNode.Parse(await response.Content.ReadAsStringAsync())!["detail"], StringComparison.Ordinal);
        Assert.Equal(0, fixture.Running.Services.GetRequiredService<Serverless.Functions.Inbox.EmbeddedEventInbox>().Count("hist-bad"));
    }

    [Fact]
    public async Task A_token_of_another_channel_cannot_redrive_it()
    {
        using var response = await CallAsync(HttpMethod.Post, "/api/relay/redrive", TokenA, new { channel = "team-b" });
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task The_list_is_newest_first_and_filters_by_status_source_since_and_limit()
    {
        var first = await Webhook.PostAcceptedAsync(fixture.Http, "hist-list", new { title = "one" });
        var second = await Webhook.PostAcceptedAsync(fixture.Http, "hist-list", new { title = "two" });

        var all = await GetJsonAsync("/api/relay/history?channel=hist-list");
        Assert.Equal([second, first], all["events"]!.AsArray().Select(e => (string)e!["id"]!));
        Assert.Contains("two", (string?)all["events"]![0]!["summary"], StringComparison.Ordinal);
        Assert.Equal([second], (await GetJsonAsync("/api/relay/history?channel=hist-list&limit=1"))["events"]!.AsArray().Select(e => (string)e!["id"]!));
        Assert.Equal(2, (await GetJsonAsync("/api/relay/history?channel=hist-list&source=generic&since=10m&status=stored"))["events"]!.AsArray().Count);
        Assert.Empty((await GetJsonAsync("/api/relay/history?channel=hist-list&source=github"))["events"]!.AsArray());
        Assert.Empty((await GetJsonAsync("/api/relay/history?channel=hist-list&status=acknowledged"))["events"]!.AsArray());
        Assert.Empty((await GetJsonAsync($"/api/relay/history?channel=hist-list&since={Uri.EscapeDataString(DateTimeOffset.UtcNow.AddHours(1).ToString("O"))}"))["events"]!.AsArray());
    }

    [Theory]
    [InlineData("/api/relay/history?channel=hist-bad&status=lost", "status")]
    [InlineData("/api/relay/history?channel=hist-bad&since=yesterday", "since")]
    [InlineData("/api/relay/history?channel=hist-bad&limit=0", "limit")]
    [InlineData("/api/relay/history?channel=hist-bad&limit=201", "limit")]
    [InlineData("/api/relay/history?channel=hist-bad&source=Git%20Hub", "source")]
    [InlineData("/api/relay/history?channel=Not%20A%20Channel", "channel")]
    [InlineData("/api/relay/history/not-an-id?channel=hist-bad", "event id")]
    [InlineData("/api/relay/history/abc", "channel")]
    public async Task Bad_input_gets_a_problem_and_changes_nothing(string path, string names)
    {
        using var response = await CallAsync(HttpMethod.Get, path, AdminToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Contains(names, (string?)problem["detail"], StringComparison.Ordinal);
        Assert.Empty(await fixture.Running.Services.GetRequiredService<IEventHistoryStore>().ListAsync("hist-bad", new HistoryQuery(), default));
    }

    [Fact]
    public async Task A_token_of_another_channel_is_refused_and_an_unknown_event_is_not_found()
    {
        using var other = await CallAsync(HttpMethod.Get, "/api/relay/history?channel=team-b", TokenA);
        using var otherEvent = await CallAsync(HttpMethod.Get, "/api/relay/history/abc?channel=team-b", TokenA);
        using var anonymous = await fixture.Http.GetAsync(new Uri("/api/relay/history?channel=team-a", UriKind.Relative));
        using var own = await CallAsync(HttpMethod.Get, "/api/relay/history?channel=team-a", TokenA);
        using var unknown = await CallAsync(HttpMethod.Get, "/api/relay/history/abc?channel=team-a", TokenA);

        Assert.Equal(HttpStatusCode.Forbidden, other.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, otherEvent.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(HttpStatusCode.OK, own.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }
}
