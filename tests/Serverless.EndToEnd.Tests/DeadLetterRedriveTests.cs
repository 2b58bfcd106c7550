using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Serverless.Functions.Events;
using Serverless.Functions.Inbox;
using Serverless.Testing;

namespace Serverless.EndToEnd.Tests;

/// <summary>Redrive against Azurite: the dead-letter queue empties into the channel's queue and each event comes out once.</summary>
[Collection(UsesAzurite.Name)]
public sealed class DeadLetterRedriveTests(AzuriteFixture fixture)
{
    private StorageQueueEventInbox Inbox()
    {
        var (queues, blobs) = StorageClients.Create(new StorageOptions { ConnectionString = fixture.Azurite.ConnectionString });
        return new StorageQueueEventInbox(
            queues,
            blobs.GetBlobContainerClient("event-payloads"),
            Options.Create(new InboxOptions { MaxDeliveryAttempts = 1 }),
            NullLogger<StorageQueueEventInbox>.Instance);
    }

    private static ChannelEvent Event(string channel) => new()
    {
        Id = Guid.CreateVersion7().ToString("N"),
        Source = "/hooks/generic",
        Type = "generic.webhook",
        Time = DateTimeOffset.UtcNow,
        Channel = channel,
        Kind = "generic",
        EventType = "webhook",
        Trust = TrustLevel.ThirdParty,
        Summary = "summary",
    };

    [Fact]
    public async Task Redrive_empties_the_dead_letter_queue_into_the_channel_and_each_event_arrives_once()
    {
        var inbox = Inbox();
        var channel = "redrive-" + Guid.NewGuid().ToString("N")[..8];
        var ids = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var stored = Event(channel);
            ids.Add(stored.Id);
            await inbox.StoreAsync(stored, default);
        }

        Assert.Equal(3, (await inbox.ReceiveAsync(channel, 10, TimeSpan.FromSeconds(1), default)).Items.Count);
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        Assert.Equal(3, (await inbox.ReceiveAsync(channel, 10, TimeSpan.FromSeconds(30), default)).DeadLettered.Count);

        var redriven = await inbox.RedriveAsync(channel, 500, default);

        Assert.Equal(ids.Order(), redriven.Select(i => i.Event.Id).Order());
        Assert.Empty(await inbox.RedriveAsync(channel, 500, default));
        var again = await inbox.ReceiveAsync(channel, 10, TimeSpan.FromSeconds(30), default);
        Assert.Equal(ids.Order(), again.Items.Select(i => i.Event.Id).Order());
        Assert.Empty(again.DeadLettered);
        foreach (var item in again.Items)
        {
            Assert.True(await inbox.AcknowledgeAsync(channel, item.Receipt, default));
        }

        Assert.Empty((await inbox.ReceiveAsync(channel, 10, TimeSpan.FromSeconds(30), default)).Items);
    }

    [Fact]
    public async Task Relay_redrive_sends_a_dead_lettered_event_to_the_running_relay_once()
    {
        await using var app = await RunningFunctionsApp.StartAsync(new Dictionary<string, string?> { ["Inbox:MaxDeliveryAttempts"] = "1" });
        using var http = app.CreateClient();
        var id = await Webhook.PostAcceptedAsync(http, "redrive-cli", new { title = "dead then redriven" });
        await BacklogAsync(http, 1);
        await Task.Delay(TimeSpan.FromSeconds(1.2));
        await BacklogAsync(http, 30);
        var inbox = app.Services.GetRequiredService<EmbeddedEventInbox>();
        Assert.Equal(1, inbox.CountDeadLettered("redrive-cli"));

        await using var relay = await RelayProcess.StartAsync(app.BaseUrl, "redrive-cli", "dev-relay-token");
        await WebhookToChannelTests.WaitUntilConnectedAsync(relay);
        var (exitCode, stdout, stderr) = await RelayProcess.RunCommandAsync(app.BaseUrl, "redrive-cli", "redrive");
        Assert.True(exitCode == 0, stderr);
        Assert.Contains($"Redrove 1 events into channel 'redrive-cli': {id}", stdout, StringComparison.Ordinal);

        await relay.SettledAsync(1, () => Task.FromResult(inbox.Count("redrive-cli")), TimeSpan.FromSeconds(30));
        Assert.Equal([id], relay.Notifications.Select(n => (string)n["meta"]!["event_id"]!));
        Assert.Equal(0, inbox.CountDeadLettered("redrive-cli"));
    }

    private static async Task BacklogAsync(HttpClient http, int visibilitySeconds)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/api/relay/backlog", UriKind.Relative))
        {
            Content = JsonContent.Create(new { channel = "redrive-cli", visibility_seconds = visibilitySeconds }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "dev-relay-token");
        using var response = await http.SendAsync(request);
        response.EnsureSuccessStatusCode();
    }
}
