using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Functions.History;
using Serverless.Functions.Inbox;
using Serverless.Testing;

namespace Serverless.Tests.Functions.History;

/// <summary>Refused deliveries are counted per channel, source and reason; nothing of them is stored.</summary>
public sealed class RefusalCountTests(RefusalCountTests.App fixture) : IClassFixture<RefusalCountTests.App>
{
    public sealed class App : SharedApp
    {
        protected override Dictionary<string, string?> Settings() => new()
        {
            ["Sources:github:Secret"] = "refusals-github-secret-0123",
            ["Channels:githubonly:Sources:0"] = "github",
            ["Ingress:MaxBodyBytes"] = "4096",
        };
    }

    private async Task<HttpStatusCode> GenericAsync(string channel, string body, string token = "dev-webhook-token")
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/hooks/generic/{channel}") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await fixture.Http.SendAsync(request);
        return response.StatusCode;
    }

    [Fact]
    public async Task Refused_deliveries_are_counted_and_not_stored()
    {
        Assert.Equal(HttpStatusCode.Unauthorized, await GenericAsync("refused", """{"title":"x"}""", token: "wrong-token-0123456789"));
        Assert.Equal(HttpStatusCode.Unauthorized, await GenericAsync("refused", """{"title":"x"}""", token: "wrong-token-0123456789"));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, await GenericAsync("refused", $$"""{"title":"{{new string('x', 5000)}}"}"""));
        Assert.Equal(HttpStatusCode.BadRequest, await GenericAsync("refused", "not json"));
        Assert.Equal(HttpStatusCode.OK, await GenericAsync("githubonly", """{"title":"x"}"""));

        var services = fixture.Running.Services;
        await services.GetRequiredService<EventHistory>().DrainAsync(default);
        var store = services.GetRequiredService<IEventHistoryStore>();
        var refused = await store.RefusalsAsync("refused", default);
        Assert.Equal(
            [("generic", RefusalReason.BadSignature, 2L), ("generic", RefusalReason.TooLarge, 1L), ("generic", RefusalReason.Invalid, 1L)],
            refused.Select(r => (r.Source, r.Reason, r.Count)).OrderBy(r => r.Reason));
        Assert.Equal([("generic", RefusalReason.Filtered, 1L)], (await store.RefusalsAsync("githubonly", default)).Select(r => (r.Source, r.Reason, r.Count)));
        Assert.Empty(await store.ListAsync("refused", new HistoryQuery(), default));
        Assert.Empty(await store.ListAsync("githubonly", new HistoryQuery(), default));
        var inbox = services.GetRequiredService<EmbeddedEventInbox>();
        Assert.Equal(0, inbox.Count("refused"));
        Assert.Equal(0, inbox.Count("githubonly"));
    }

    [Fact]
    public async Task An_accepted_webhook_gets_a_history_with_its_first_steps()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/hooks/generic/accepted") { Content = new StringContent("""{"title":"deploy done"}""", Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "dev-webhook-token");
        using var response = await fixture.Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);

        var services = fixture.Running.Services;
        await services.GetRequiredService<EventHistory>().DrainAsync(default);
        var entry = Assert.Single(await services.GetRequiredService<IEventHistoryStore>().ListAsync("accepted", new HistoryQuery(), default));
        Assert.Equal("generic", entry.Kind);
        Assert.Equal([EventStep.Received, EventStep.Stored], entry.Steps.Take(2).Select(s => s.Step));
        Assert.Empty(await services.GetRequiredService<IEventHistoryStore>().RefusalsAsync("accepted", default));
    }

    [Fact]
    public async Task Refusals_to_more_channels_than_the_bound_are_counted_in_one_bucket()
    {
        // Every refused request names a channel of its sender's choosing: 400 made-up names must not leave 400 counters.
        var names = Enumerable.Range(0, 400).Select(i => $"made-up-{i}").ToList();
        foreach (var name in names)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, await GenericAsync(name, """{"title":"x"}""", token: "wrong-token-0123456789"));
        }

        var services = fixture.Running.Services;
        var store = services.GetRequiredService<IEventHistoryStore>();
        var counted = new List<string>();
        long other = 0;
        // The background writer may hold a batch while this drain finds the queue empty: settled once all 400 are counted.
        for (var attempt = 0; counted.Count + other < names.Count && attempt < 250; attempt++)
        {
            await services.GetRequiredService<EventHistory>().DrainAsync(default);
            counted.Clear();
            foreach (var name in names)
            {
                if ((await store.RefusalsAsync(name, default)).Count > 0)
                {
                    counted.Add(name);
                }
            }

            other = (await store.RefusalsAsync(RefusalCount.OtherChannels, default))
                .SingleOrDefault(r => r.Source == "generic" && r.Reason == RefusalReason.BadSignature)?.Count ?? 0;
            await Task.Delay(20);
        }

        // Other tests of this class may count refusals of their own two channels first.
        Assert.InRange(counted.Count, RefusalCount.MaxChannelsPerSource - 2, RefusalCount.MaxChannelsPerSource);
        Assert.Equal(names.Count - counted.Count, other);
    }
}
