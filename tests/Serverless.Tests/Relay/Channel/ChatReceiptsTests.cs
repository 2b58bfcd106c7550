using Microsoft.Extensions.Logging.Abstractions;
using Moq;
using Serverless.Contracts;
using Serverless.Relay.Channel;
using Serverless.Relay.Connection;

namespace Serverless.Tests.Relay.Channel;

public class ChatReceiptsTests
{
    private readonly Mock<IChatApi> _api = new();

    [Fact]
    public async Task Only_chat_messages_with_their_ids_get_a_receipt_and_a_failing_app_does_not_stop_the_next()
    {
        var sent = new List<(string, string)>();
        var second = new TaskCompletionSource();
        _api.Setup(a => a.ReceiptAsync(It.IsAny<string>(), It.IsAny<string>(), It.IsAny<CancellationToken>()))
            .Callback((string chat, string message, CancellationToken _) => sent.Add((chat, message)))
            .Returns(() =>
            {
                // The first receipt fails (the app is away); the next still goes.
                if (sent.Count == 1)
                {
                    return Task.FromException<ReceiptResponse>(new RelayApiException("the app is away"));
                }

                if (sent.Count == 3)
                {
                    second.TrySetResult();
                }

                return Task.FromResult(new ReceiptResponse(true));
            });
        using var receipts = new ChatReceipts(_api.Object, NullLogger<ChatReceipts>.Instance);
        await receipts.StartAsync(CancellationToken.None);

        receipts.Shown(new Dictionary<string, string> { ["kind"] = "github", ["chat_id"] = "1", ["message_id"] = "2" });
        receipts.Shown(new Dictionary<string, string> { ["kind"] = "telegram", ["chat_id"] = "111" });
        receipts.Shown(new Dictionary<string, string> { ["kind"] = "telegram", ["chat_id"] = "111", ["message_id"] = "42" });
        receipts.Shown(new Dictionary<string, string> { ["kind"] = "telegram", ["chat_id"] = "-100123", ["message_id"] = "43" });
        // A chat id naming another transport than the event's kind is not a chat message of that kind.
        receipts.Shown(new Dictionary<string, string> { ["kind"] = "github", ["chat_id"] = "slack:C1", ["message_id"] = "1.2" });
        receipts.Shown(new Dictionary<string, string> { ["kind"] = "slack", ["chat_id"] = "slack:C0123:1700000000.000100", ["message_id"] = "1700000000.000200" });

        await second.Task.WaitAsync(TimeSpan.FromSeconds(10));
        await receipts.StopAsync(CancellationToken.None);
        Assert.Equal([("111", "42"), ("-100123", "43"), ("slack:C0123:1700000000.000100", "1700000000.000200")], sent);
    }
}
