using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Serverless.Functions.Events;
using Serverless.Functions.Inbox;
using Serverless.Testing;

namespace Serverless.EndToEnd.Tests;

/// <summary>The Storage Queue inbox against Azurite: the queue semantics the relay relies on.</summary>
[Collection(UsesAzurite.Name)]
public sealed class StorageQueueEventInboxTests(AzuriteFixture fixture)
{
    private StorageQueueEventInbox Inbox(int maxAttempts = 5)
    {
        var (queues, blobs) = StorageClients.Create(new StorageOptions { ConnectionString = fixture.Azurite.ConnectionString });
        return new StorageQueueEventInbox(
            queues,
            blobs.GetBlobContainerClient("event-payloads"),
            Options.Create(new InboxOptions { MaxDeliveryAttempts = maxAttempts }),
            NullLogger<StorageQueueEventInbox>.Instance);
    }

    private static ChannelEvent Event(string channel, JsonNode? data = null) => new()
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
        Data = data,
    };

    [Fact]
    public async Task The_backlog_depth_of_a_channel_it_stored_to_is_its_queues_message_count()
    {
        var inbox = Inbox();
        var channel = "depth-" + Guid.NewGuid().ToString("N")[..8];
        for (var i = 0; i < 3; i++)
        {
            await inbox.StoreAsync(Event(channel), default);
        }

        // The first look starts the read in the background and answers with what is known: nothing yet.
        Assert.DoesNotContain(inbox.Depths(), d => d.Channel == channel);
        Assert.True(
            await RelayProcess.EventuallyAsync(() => inbox.Depths().Contains((channel, 3)), TimeSpan.FromSeconds(30)),
            string.Join(", ", inbox.Depths()));
    }

    [Fact]
    public async Task The_store_receipt_acknowledges_and_a_received_receipt_replaces_it()
    {
        var inbox = Inbox();
        var storeReceipt = await inbox.StoreAsync(Event("receipts"), default);
        var received = Assert.Single((await inbox.ReceiveAsync("receipts", 10, TimeSpan.FromSeconds(30), default)).Items);

        Assert.False(await inbox.AcknowledgeAsync("receipts", storeReceipt, default));
        Assert.True(await inbox.AcknowledgeAsync("receipts", received.Receipt, default));
        Assert.False(await inbox.AcknowledgeAsync("receipts", received.Receipt, default));
        Assert.False(await inbox.AcknowledgeAsync("receipts", "not-a-receipt", default));
    }

    [Fact]
    public async Task A_released_event_is_visible_again_at_once_with_its_content_and_a_new_receipt()
    {
        var inbox = Inbox();
        var stored = Event("release", JsonNode.Parse(@"{""keep"":""me""}"));
        await inbox.StoreAsync(stored, default);
        var taken = Assert.Single((await inbox.ReceiveAsync("release", 10, TimeSpan.FromMinutes(10), default)).Items);

        Assert.True(await inbox.ReleaseAsync("release", taken.Receipt, default));

        var again = Assert.Single((await inbox.ReceiveAsync("release", 10, TimeSpan.FromMinutes(10), default)).Items);
        Assert.Equal(stored.Id, again.Event.Id);
        Assert.Equal("me", (string?)again.Event.Data!["keep"]);
        Assert.False(await inbox.AcknowledgeAsync("release", taken.Receipt, default));
        Assert.False(await inbox.ReleaseAsync("release", "not-a-receipt", default));
        Assert.True(await inbox.AcknowledgeAsync("release", again.Receipt, default));
    }

    [Fact]
    public async Task An_event_received_too_often_moves_to_the_dead_letter_queue()
    {
        var inbox = Inbox(maxAttempts: 2);
        var stored = Event("poison-x");
        await inbox.StoreAsync(stored, default);

        for (var attempt = 1; attempt <= 2; attempt++)
        {
            var batch = await inbox.ReceiveAsync("poison-x", 10, TimeSpan.FromSeconds(1), default);
            Assert.Equal(attempt, Assert.Single(batch.Items).DeliveryCount);
            await Task.Delay(1500);
        }

        var last = await inbox.ReceiveAsync("poison-x", 10, TimeSpan.FromSeconds(1), default);

        Assert.Empty(last.Items);
        var dead = Assert.Single(last.DeadLettered);
        Assert.Equal((stored.Id, "dl-poison-x"), (dead.Id, dead.Queue));
        var deadQueue = new Azure.Storage.Queues.QueueClient(fixture.Azurite.ConnectionString, "dl-poison-x");
        Assert.Equal(1, (await deadQueue.GetPropertiesAsync()).Value.ApproximateMessagesCount);
    }

    [Fact]
    public async Task A_payload_over_the_queue_limit_goes_to_a_blob_and_comes_back_whole()
    {
        var inbox = Inbox();
        var big = new JsonObject { ["blob"] = new string('x', 200 * 1024) };
        var stored = Event("large", big);
        await inbox.StoreAsync(stored, default);

        var queued = Assert.Single((await inbox.ReceiveAsync("large", 10, TimeSpan.FromSeconds(30), default)).Items).Event;
        Assert.Null(queued.Data);
        Assert.Equal($"/api/relay/events/{stored.Id}?channel=large", queued.DataRef);
        Assert.Equal("summary", queued.Summary);
        var whole = await inbox.GetPayloadAsync("large", stored.Id, default);
        Assert.Equal(200 * 1024, ((string?)whole!.Data!["blob"])!.Length);
    }

    [Theory]
    [InlineData("a--b")]
    [InlineData("trailing-")]
    public async Task Channels_whose_names_are_not_queue_names_still_work(string channel)
    {
        var inbox = Inbox();
        var stored = Event(channel);
        await inbox.StoreAsync(stored, default);

        Assert.Equal(stored.Id, Assert.Single((await inbox.ReceiveAsync(channel, 10, TimeSpan.FromSeconds(30), default)).Items).Event.Id);
    }

    [Fact]
    public async Task A_large_webhook_reaches_the_session_as_a_summary_and_get_event_returns_its_whole_payload()
    {
        await using var app = await RunningFunctionsApp.StartAsync(new Dictionary<string, string?> { ["Storage:ConnectionString"] = fixture.Azurite.ConnectionString });
        using var http = app.CreateClient();
        await using var relay = await RelayProcess.StartAsync(app.BaseUrl, "big-event", "dev-relay-token");
        await WebhookToChannelTests.WaitUntilConnectedAsync(relay);

        var id = await Webhook.PostAcceptedAsync(http, "big-event", new { title = "core dump attached", dump = new string('z', 300 * 1024) });

        Assert.True(await RelayProcess.EventuallyAsync(() => relay.Notifications.Count >= 1, TimeSpan.FromSeconds(30)), relay.Stderr);
        var notification = Assert.Single(relay.Notifications);
        Assert.Contains("core dump attached", (string)notification["content"]!, StringComparison.Ordinal);
        Assert.True(((string)notification["content"]!).Length < 2000);
        var result = await relay.Client.CallToolAsync("get_event", new Dictionary<string, object?> { ["event_id"] = id });
        Assert.NotEqual(true, result.IsError);
        var text = Assert.Single(result.Content.OfType<ModelContextProtocol.Protocol.TextContentBlock>()).Text;
        var envelope = JsonNode.Parse(text)!;
        Assert.Equal(300 * 1024, ((string)envelope["data"]!["dump"]!).Length);

        var unknown = await relay.Client.CallToolAsync("get_event", new Dictionary<string, object?> { ["event_id"] = "nope" });
        Assert.True(unknown.IsError);
    }
}
