using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Azure.Storage.Queues;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Serverless.Functions.Events;
using Serverless.Functions.Inbox;
using Serverless.Functions.WebPubSub.Embedded;
using Serverless.Testing;
using Xunit.Abstractions;

namespace Serverless.EndToEnd.Tests;

/// <summary>
/// No accepted event is ever lost: the inbox is a real Storage Queue (Azurite), the relay a real
/// process, and each scenario counts what reached the MCP client.
/// </summary>
[Collection(UsesAzurite.Name)]
public sealed class DurableInboxTests(AzuriteFixture fixture, ITestOutputHelper output)
{
    private readonly Azurite _azurite = fixture.Azurite;

    private Dictionary<string, string?> StorageSettings() => new() { ["Storage:ConnectionString"] = _azurite.ConnectionString };

    private async Task<int> QueueLengthAsync(string channel)
    {
        var queue = new QueueServiceClient(_azurite.ConnectionString).GetQueueClient(QueueNames.ForChannel(channel));
        return (await queue.GetPropertiesAsync()).Value.ApproximateMessagesCount;
    }

    private async Task AssertQueueDrainsAsync(string channel)
    {
        // An acknowledgement lost in a crash leaves its event invisible until the visibility timeout,
        // after which the relay takes it again, skips it as a duplicate and acknowledges it.
        var drained = false;
        for (var i = 0; i < 300 && !drained; i++)
        {
            drained = await QueueLengthAsync(channel) == 0;
            if (!drained)
            {
                await Task.Delay(100);
            }
        }

        Assert.True(drained, $"{await QueueLengthAsync(channel)} event(s) still in the queue of {channel}");
    }

    private void Report(string scenario, int sent, IReadOnlyCollection<string> received)
    {
        var distinct = received.Distinct().Count();
        output.WriteLine($"{scenario}: events {sent}, delivered {distinct}, lost {sent - distinct}, duplicates {received.Count - distinct}");
    }

    private static IReadOnlyList<string> NotifiedIds(RelayProcess relay) =>
        [.. relay.Notifications.Select(n => (string)n["meta"]!["event_id"]!)];

    [Fact]
    public async Task Five_hundred_events_sent_while_the_relay_is_offline_all_arrive_in_order_once()
    {
        await using var app = await RunningFunctionsApp.StartAsync(StorageSettings());
        using var http = app.CreateClient();
        var ids = new List<string>();
        for (var i = 0; i < 500; i++)
        {
            ids.Add(await Webhook.PostAcceptedAsync(http, "offline-500", new { title = $"event {i}" }));
        }

        Assert.Equal(500, await QueueLengthAsync("offline-500"));
        await using var relay = await RelayProcess.StartAsync(app.BaseUrl, "offline-500", "dev-relay-token");

        var written = await relay.SettledAsync(500, () => QueueLengthAsync("offline-500"), TimeSpan.FromSeconds(120));
        var received = NotifiedIds(relay);
        Report("relay offline, 500 events", ids.Count, received);
        Assert.Equal(500, received.Count);
        Assert.Equal(ids, written);
    }

    [Fact]
    public async Task A_websocket_killed_mid_stream_loses_nothing_and_shows_nothing_twice()
    {
        await using var app = await RunningFunctionsApp.StartAsync(StorageSettings());
        using var http = app.CreateClient();
        await using var relay = await RelayProcess.StartAsync(app.BaseUrl, "ws-kill", "dev-relay-token");
        await WebhookToChannelTests.WaitUntilConnectedAsync(relay);
        var hub = app.Services.GetRequiredService<EmbeddedWebPubSubHub>();

        var ids = new List<string>();
        for (var i = 0; i < 100; i++)
        {
            ids.Add(await Webhook.PostAcceptedAsync(http, "ws-kill", new { title = $"event {i}" }));
            if (i % 20 == 10)
            {
                hub.AbortSockets("channels", "ws-kill");
            }
        }

        var written = await relay.SettledAsync(100, () => QueueLengthAsync("ws-kill"), TimeSpan.FromSeconds(60));
        var received = NotifiedIds(relay);
        Report("websocket killed 5 times, 100 events", ids.Count, received);
        Assert.Equal(ids.Order(), received.Order());
        Assert.Equal(ids.Order(), written.Order());
    }

    [Fact]
    public async Task Events_received_by_a_relay_that_dies_before_showing_them_come_back_and_are_delivered_once()
    {
        await using var app = await RunningFunctionsApp.StartAsync(StorageSettings());
        using var http = app.CreateClient();
        var ids = new List<string>();
        for (var i = 0; i < 10; i++)
        {
            ids.Add(await Webhook.PostAcceptedAsync(http, "crash-before", new { title = $"event {i}" }));
        }

        var stateFile = RelayProcess.NewStateFile();
        // What a relay that died between taking the backlog and showing it leaves behind: the events
        // received (hidden for the visibility timeout) and never acknowledged or released. A relay takes
        // nothing before its session is ready, so the doomed relay is played by its own backlog call.
        using (var take = new HttpRequestMessage(HttpMethod.Post, new Uri("/api/relay/backlog", UriKind.Relative))
        {
            Content = JsonContent.Create(new { channel = "crash-before", max = 32, visibility_seconds = 5 }),
        })
        {
            take.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", "dev-relay-token");
            using var taken = await http.SendAsync(take);
            taken.EnsureSuccessStatusCode();
            Assert.Equal(10, (await taken.Content.ReadFromJsonAsync<JsonObject>())!["events"]!.AsArray().Count);
        }

        await using var relay = await RelayProcess.StartAsync(app.BaseUrl, "crash-before", "dev-relay-token", stateFile, "--visibility-timeout", "5", "--poll-interval", "1");

        var written = await relay.SettledAsync(10, () => QueueLengthAsync("crash-before"), TimeSpan.FromSeconds(30));
        var received = NotifiedIds(relay);
        Report("relay killed before showing, 10 events", ids.Count, received);
        Assert.Equal(ids.Order(), received.Order());
        Assert.Equal(ids.Order(), written.Order());
    }

    [Fact]
    public async Task Events_shown_but_not_acknowledged_before_a_crash_are_not_shown_again_by_the_restarted_relay()
    {
        var acks = new AckSwitch();
        await using var app = await RunningFunctionsApp.StartAsync(StorageSettings(), services => services.AddSingleton<IEventInbox>(sp =>
        {
            var (queues, blobs) = StorageClients.Create(new StorageOptions { ConnectionString = _azurite.ConnectionString });
            var inner = new StorageQueueEventInbox(queues, blobs.GetBlobContainerClient("event-payloads"), Options.Create(new InboxOptions()), NullLogger<StorageQueueEventInbox>.Instance);
            return new SwitchableAckInbox(inner, acks);
        }));
        using var http = app.CreateClient();
        var stateFile = RelayProcess.NewStateFile();
        acks.Enabled = false;

        var first = await RelayProcess.StartAsync(app.BaseUrl, "crash-after", "dev-relay-token", stateFile, "--visibility-timeout", "5", "--poll-interval", "1");
        await WebhookToChannelTests.WaitUntilConnectedAsync(first);
        var ids = new List<string>();
        for (var i = 0; i < 10; i++)
        {
            ids.Add(await Webhook.PostAcceptedAsync(http, "crash-after", new { title = $"event {i}" }));
        }

        Assert.True(await RelayProcess.EventuallyAsync(() => first.Notifications.Count >= 10, TimeSpan.FromSeconds(30)), first.Stderr);
        var pid = int.Parse(System.Text.RegularExpressions.Regex.Match(first.Stderr, @"\(pid (\d+)\)").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        Process.GetProcessById(pid).Kill();
        var shownBeforeCrash = NotifiedIds(first);
        await first.DisposeAsync();
        Assert.Equal(10, await QueueLengthAsync("crash-after"));

        acks.Enabled = true;
        await using var second = await RelayProcess.StartAsync(app.BaseUrl, "crash-after", "dev-relay-token", stateFile, "--visibility-timeout", "5", "--poll-interval", "1");

        await AssertQueueDrainsAsync("crash-after");
        // A marker after the drain: once the second relay shows it, a redelivery it showed would be in view too.
        var marker = await Webhook.PostAcceptedAsync(http, "crash-after", new { title = "marker" });
        Assert.True(await RelayProcess.EventuallyAsync(() => NotifiedIds(second).Contains(marker), TimeSpan.FromSeconds(30)), second.Stderr);
        var received = shownBeforeCrash.Concat(NotifiedIds(second).Where(id => id != marker)).ToList();
        Report("relay killed before acknowledging, 10 events", ids.Count, received);
        Assert.Equal(ids.Order(), received.Order());
        Assert.Equal([marker], NotifiedIds(second));
    }

    [Fact]
    public async Task Events_stored_before_a_function_app_crash_are_all_delivered_once_after_it()
    {
        var port = Azurite.FreePort();
        var settings = new Dictionary<string, string> { ["Storage__ConnectionString"] = _azurite.ConnectionString };
        var ids = new List<string>();
        var functions = await FunctionsProcess.StartAsync(port, settings);
        using (var http = new HttpClient { BaseAddress = functions.BaseUrl })
        {
            for (var i = 0; i < 30; i++)
            {
                ids.Add(await Webhook.PostAcceptedAsync(http, "app-crash", new { title = $"before {i}" }));
            }
        }

        // No relay has run: the 30 events are in the queue, not in the process that is about to die.
        Assert.Equal(30, await QueueLengthAsync("app-crash"));
        await functions.KillAsync();
        await functions.DisposeAsync();
        Assert.Equal(30, await QueueLengthAsync("app-crash"));

        functions = await FunctionsProcess.StartAsync(port, settings);
        await using (functions)
        {
            await using var relay = await RelayProcess.StartAsync(functions.BaseUrl, "app-crash", "dev-relay-token");
            using var http = new HttpClient { BaseAddress = functions.BaseUrl };
            for (var i = 0; i < 10; i++)
            {
                ids.Add(await Webhook.PostAcceptedAsync(http, "app-crash", new { title = $"after {i}" }));
            }

            var written = await relay.SettledAsync(40, () => QueueLengthAsync("app-crash"), TimeSpan.FromSeconds(60));
            var received = NotifiedIds(relay);
            Report("function app killed with 30 events queued, then 10 more", ids.Count, received);
            Assert.Equal(ids.Order(), received.Order());
            Assert.Equal(ids.Order(), written.Order());
            Assert.Equal(ids.Take(30), written.Take(30));
        }
    }

    [Fact]
    public async Task An_event_taken_five_times_and_never_acknowledged_is_dead_lettered_and_the_relay_says_so()
    {
        await using var app = await RunningFunctionsApp.StartAsync(StorageSettings());
        using var http = app.CreateClient();
        var id = await Webhook.PostAcceptedAsync(http, "dead", new { title = "a poison event" });

        // Five receives without an acknowledgement, as five relays that each died before showing it would
        // leave it (the default Inbox:MaxDeliveryAttempts is 5).
        for (var attempt = 1; attempt <= 5; attempt++)
        {
            using var take = new HttpRequestMessage(HttpMethod.Post, new Uri("/api/relay/backlog", UriKind.Relative))
            {
                Content = JsonContent.Create(new { channel = "dead", max = 10, visibility_seconds = 1 }),
            };
            take.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", "dev-relay-token");
            var events = await ReceiveAsync(http, take);
            Assert.Equal(id, (string?)Assert.Single(events)!["event"]!["id"]);
            await Task.Delay(1100);
        }

        await using var relay = await RelayProcess.StartAsync(app.BaseUrl, "dead", "dev-relay-token");

        Assert.True(
            await RelayProcess.EventuallyAsync(() => relay.Stderr.Contains($"Event {id} (generic) could not be delivered after 6 attempts and was moved to dead-letter queue dl-dead", StringComparison.Ordinal), TimeSpan.FromSeconds(30)),
            relay.Stderr);
        var status = await relay.Client.CallToolAsync("get_status");
        Assert.Contains("moved to the dead-letter queue: 1", string.Join('\n', status.Content.OfType<ModelContextProtocol.Protocol.TextContentBlock>().Select(c => c.Text)), StringComparison.Ordinal);
        Assert.Empty(relay.Notifications);
        Assert.Equal(0, await QueueLengthAsync("dead"));
        var deadLetters = new QueueServiceClient(_azurite.ConnectionString).GetQueueClient(QueueNames.DeadLetterFor("dead"));
        Assert.Equal(1, (await deadLetters.GetPropertiesAsync()).Value.ApproximateMessagesCount);
    }

    private static async Task<JsonArray> ReceiveAsync(HttpClient http, HttpRequestMessage take)
    {
        using var response = await http.SendAsync(take);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!["events"]!.AsArray();
    }

    [Fact]
    public async Task While_storage_is_down_webhooks_get_503_and_publish_nothing_and_a_retry_succeeds_later()
    {
        var azurite = new Azurite();
        await using var _ = azurite;
        var published = new List<string>();
        await using var app = await RunningFunctionsApp.StartAsync(
            new Dictionary<string, string?> { ["Storage:ConnectionString"] = azurite.ConnectionString },
            services => services.AddSingleton<Serverless.Functions.Publishing.IEventPublisher>(new RecordingPublisher(published)));
        using var http = app.CreateClient();

        using (var refused = await Webhook.PostAsync(http, "storage-down", new { title = "while down" }))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        }

        Assert.Empty(published);
        await azurite.StartAsync();
        var id = await Webhook.PostAcceptedAsync(http, "storage-down", new { title = "while down" });

        Assert.Equal([id], published);
        var queue = new QueueServiceClient(azurite.ConnectionString).GetQueueClient(QueueNames.ForChannel("storage-down"));
        Assert.Equal(1, (await queue.GetPropertiesAsync()).Value.ApproximateMessagesCount);
        output.WriteLine("storage unavailable: first attempt 503 with 0 published; retry 202 with 1 stored and published");
    }

    private sealed class RecordingPublisher(List<string> published) : Serverless.Functions.Publishing.IEventPublisher
    {
        public Task<bool> PublishAsync(ChannelEvent channelEvent, string receipt, CancellationToken cancellationToken)
        {
            lock (published)
            {
                published.Add(channelEvent.Id);
            }

            return Task.FromResult(true);
        }
    }

    private sealed class AckSwitch
    {
        public volatile bool Enabled = true;
    }

    /// <summary>The real inbox, whose acknowledgements can be made to fail, as if the relay died before sending them.</summary>
    private sealed class SwitchableAckInbox(IEventInbox inner, AckSwitch acks) : IEventInbox
    {
        public Task<string> StoreAsync(ChannelEvent channelEvent, CancellationToken cancellationToken) => inner.StoreAsync(channelEvent, cancellationToken);

        public Task<InboxBatch> ReceiveAsync(string channel, int maxEvents, TimeSpan visibilityTimeout, CancellationToken cancellationToken) =>
            inner.ReceiveAsync(channel, maxEvents, visibilityTimeout, cancellationToken);

        public Task<bool> AcknowledgeAsync(string channel, string receipt, CancellationToken cancellationToken) =>
            acks.Enabled ? inner.AcknowledgeAsync(channel, receipt, cancellationToken) : throw new IOException("acknowledgements are switched off");

        public Task<bool> ReleaseAsync(string channel, string receipt, CancellationToken cancellationToken) =>
            inner.ReleaseAsync(channel, receipt, cancellationToken);

        public Task<ChannelEvent?> GetPayloadAsync(string channel, string eventId, CancellationToken cancellationToken) =>
            inner.GetPayloadAsync(channel, eventId, cancellationToken);
    }
}
