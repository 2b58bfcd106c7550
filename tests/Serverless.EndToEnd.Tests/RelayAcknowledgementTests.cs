using System.Text.Json.Nodes;
using Azure.Storage.Queues;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Functions.Inbox;
using Serverless.Testing;
using Xunit.Abstractions;

namespace Serverless.EndToEnd.Tests;

/// <summary>
/// The relay's acknowledgements as the function app sees them (every POST /api/relay/ack counted, with the
/// receipts it carried and the stale ones it answered), with a real Storage Queue inbox (Azurite) and a
/// real relay process.
/// </summary>
[Collection(UsesAzurite.Name)]
public sealed class RelayAcknowledgementTests(AzuriteFixture fixture, ITestOutputHelper output)
{
    private readonly Azurite _azurite = fixture.Azurite;

    [Fact]
    public async Task Webhooks_that_ring_while_the_relay_drains_its_backlog_are_shown_once_and_acknowledged_in_batches_without_stale_receipts()
    {
        const string Channel = "ack-batches";
        var acks = new AckCalls();
        await using var app = await RunningFunctionsApp.StartAsync(
            new Dictionary<string, string?> { ["Storage:ConnectionString"] = _azurite.ConnectionString },
            services => services.AddSingleton<IStartupFilter>(acks));
        using var http = app.CreateClient();
        var queue = new QueueServiceClient(_azurite.ConnectionString).GetQueueClient(QueueNames.ForChannel(Channel));
        async Task<int> WaitingAsync() => (await queue.GetPropertiesAsync()).Value.ApproximateMessagesCount;

        var ids = new List<string>();
        for (var i = 0; i < 150; i++)
        {
            ids.Add(await Webhook.PostAcceptedAsync(http, Channel, new { title = $"before {i}" }));
        }

        // More webhooks while the relay starts, connects and drains: their doorbells queue up behind the drain,
        // which also takes (and acknowledges) the events they ring for.
        var relayStarting = RelayProcess.StartAsync(app.BaseUrl, Channel, "dev-relay-token");
        for (var i = 0; i < 150; i++)
        {
            ids.Add(await Webhook.PostAcceptedAsync(http, Channel, new { title = $"during {i}" }));
        }

        await using var relay = await relayStarting;
        var written = await relay.SettledAsync(ids.Count, WaitingAsync, TimeSpan.FromSeconds(120));
        // The queue is empty once the last delete ran; its call is counted as it returns.
        await RelayProcess.EventuallyAsync(() => acks.Receipts - acks.Stale >= ids.Count, TimeSpan.FromSeconds(10));

        output.WriteLine($"{ids.Count} events: {acks}");
        Assert.Equal(ids.Order(), written.Order());
        Assert.Equal(ids.Count, acks.Receipts - acks.Stale);
        Assert.Equal(0, acks.Stale);
        Assert.True(acks.Calls < ids.Count, $"{acks.Calls} ack calls for {ids.Count} events");
    }

    /// <summary>Counts the app's ack calls, the receipts they carried and the stale ones among them.</summary>
    private sealed class AckCalls : IStartupFilter
    {
        private int _calls;
        private int _receipts;
        private int _stale;

        public int Calls => Volatile.Read(ref _calls);

        public int Receipts => Volatile.Read(ref _receipts);

        public int Stale => Volatile.Read(ref _stale);

        public override string ToString() => $"{Calls} ack call(s), {Receipts} receipt(s), {Stale} stale";

        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use(async (context, handler) =>
            {
                if (context.Request.Path != "/api/relay/ack")
                {
                    await handler(context);
                    return;
                }

                context.Request.EnableBuffering();
                var request = await JsonNode.ParseAsync(context.Request.Body);
                context.Request.Body.Position = 0;
                var body = context.Response.Body;
                using var answer = new MemoryStream();
                context.Response.Body = answer;
                try
                {
                    await handler(context);
                }
                finally
                {
                    context.Response.Body = body;
                }

                Interlocked.Increment(ref _calls);
                if (context.Response.StatusCode == StatusCodes.Status200OK)
                {
                    Interlocked.Add(ref _receipts, request?["receipts"]?.AsArray().Count ?? 0);
                    Interlocked.Add(ref _stale, (int?)JsonNode.Parse(answer.ToArray())?["stale"] ?? 0);
                }

                answer.Position = 0;
                await answer.CopyToAsync(body);
            });
            next(app);
        };
    }
}
