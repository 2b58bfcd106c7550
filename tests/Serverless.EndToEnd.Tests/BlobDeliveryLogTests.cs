using System.Net;
using Azure.Storage.Blobs;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Functions.Sources.Dedupe;
using Serverless.Testing;

namespace Serverless.EndToEnd.Tests;

/// <summary>The durable delivery log on Azurite: a redelivery is a duplicate until its retention ends, and the app uses it.</summary>
[Collection(UsesAzurite.Name)]
public sealed class BlobDeliveryLogTests(AzuriteFixture fixture)
{
    [Fact]
    public async Task A_recorded_delivery_is_seen_until_it_expires_and_only_for_its_source_and_channel()
    {
        var clock = new ManualTimeProvider();
        var log = new BlobDeliveryLog(new BlobContainerClient(fixture.Azurite.ConnectionString, "deliveries-" + Guid.NewGuid().ToString("N")[..8]), clock);

        Assert.False(await log.SeenAsync("github", "ops", "d1", default));
        await log.RecordAsync("github", "ops", "d1", TimeSpan.FromMinutes(10), default);

        Assert.True(await log.SeenAsync("github", "ops", "d1", default));
        Assert.False(await log.SeenAsync("github", "other", "d1", default));
        Assert.False(await log.SeenAsync("gitlab", "ops", "d1", default));
        clock.Advance(TimeSpan.FromMinutes(11));
        Assert.False(await log.SeenAsync("github", "ops", "d1", default));
    }

    [Fact]
    public async Task With_storage_configured_a_redelivered_webhook_is_a_duplicate_across_app_instances()
    {
        var settings = new Dictionary<string, string?> { ["Storage:ConnectionString"] = fixture.Azurite.ConnectionString };
        var key = Guid.NewGuid().ToString();
        var statuses = new List<HttpStatusCode>();
        for (var instance = 0; instance < 2; instance++)
        {
            await using var app = await RunningFunctionsApp.StartAsync(settings);
            Assert.IsType<BlobDeliveryLog>(app.Services.GetRequiredService<IDeliveryLog>());
            using var http = app.CreateClient();
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/hooks/generic/dedupe") { Content = new StringContent("""{"title":"once"}""", System.Text.Encoding.UTF8, "application/json") };
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", "dev-webhook-token");
            request.Headers.Add("Idempotency-Key", key);
            using var response = await http.SendAsync(request);
            statuses.Add(response.StatusCode);
        }

        Assert.Equal([HttpStatusCode.Accepted, HttpStatusCode.OK], statuses);
    }
}
