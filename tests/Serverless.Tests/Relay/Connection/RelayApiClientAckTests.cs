using Serverless.Relay;
using Serverless.Relay.Connection;
using Serverless.Testing;

namespace Serverless.Tests.Relay.Connection;

/// <summary>The relay's real API client against the running app: what an ack call answers.</summary>
public sealed class RelayApiClientAckTests
{
    [Fact]
    public async Task An_ack_answers_how_many_receipts_were_stale_and_a_list_over_the_limit_goes_in_several_calls()
    {
        await using var app = await RunningFunctionsApp.StartAsync();
        using var http = app.CreateClient();
        await Webhook.PostAcceptedAsync(http, "acks", new { title = "once" });
        var api = new RelayApiClient(http, new RelaySettings { Url = app.BaseUrl, Channel = "acks", Token = "dev-relay-token", StateFile = Path.GetTempFileName() });
        var received = Assert.Single((await api.ReceiveBacklogAsync(10, default)).Events);

        // One live receipt among more than one call's worth of receipts that name no message.
        var receipts = Enumerable.Range(0, RelayApiDefaults.MaxReceiptsPerCall).Select(i => $"gone{i}:x").Append(received.Receipt).ToList();
        var answer = await api.AcknowledgeAsync(receipts, null, default);

        Assert.Equal(new AckResponse(1, RelayApiDefaults.MaxReceiptsPerCall), answer);
        Assert.Equal(new AckResponse(0, 1), await api.AcknowledgeAsync([received.Receipt], null, default));
        Assert.Empty((await api.ReceiveBacklogAsync(10, default)).Events);
    }
}
