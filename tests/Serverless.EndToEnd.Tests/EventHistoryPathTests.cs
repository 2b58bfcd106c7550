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

    [Fact]
    public async Task The_history_of_one_event_through_the_whole_path_shows_every_step_in_order_with_times()
    {
        // Sent before the relay runs, so the relay takes it from the backlog.
        var id = await Webhook.PostAcceptedAsync(_http, "hist-path", new { title = "Deploy failed" });
        await using var relay = await RelayProcess.StartAsync(_app.BaseUrl, "hist-path", "dev-relay-token");
        await relay.SettledAsync(1, () => Task.FromResult(_app.Services.GetRequiredService<EmbeddedEventInbox>().Count("hist-path")), TimeSpan.FromSeconds(30));

        JsonNode? record = null;
        Assert.True(
            await RelayProcess.EventuallyAsync(
                () => Steps(record = HistoryAsync("hist-path", id).GetAwaiter().GetResult()).Contains("acknowledged"),
                TimeSpan.FromSeconds(30)),
            "no acknowledged step: " + record?.ToJsonString());

        Assert.Equal(["received", "stored", "rung", "taken", "acknowledged"], Steps(record));
        Assert.Equal("acknowledged", (string?)record!["status"]);
        Assert.Equal("generic", (string?)record["source"]);
        var times = record["steps"]!.AsArray().Select(s => (DateTimeOffset)s!["at"]!).ToList();
        Assert.Equal(times.Order(), times);
        Assert.All(times, t => Assert.InRange(t, DateTimeOffset.UtcNow.AddMinutes(-2), DateTimeOffset.UtcNow.AddSeconds(1)));
    }
}
