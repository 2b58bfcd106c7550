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
    public async Task Only_telegram_messages_with_their_ids_get_a_receipt_and_a_failing_app_does_not_stop_the_next()
    {
        var sent = new List<(string, long)>();
        var second = new TaskCompletionSource();
        _api.Setup(a => a.ReceiptAsync(It.IsAny<string>(), It.IsAny<long>(), It.IsAny<CancellationToken>()))
            .Callback((string chat, long message, CancellationToken _) => sent.Add((chat, message)))
            .Returns(() =>
            {
                // The first receipt fails (the app is away); the next still goes.
                if (sent.Count == 1)
                {
                    return Task.FromException<ReceiptResponse>(new RelayApiException("the app is away"));
                }

                second.TrySetResult();
                return Task.FromResult(new ReceiptResponse(true));
            });
        using var receipts = new ChatReceipts(_api.Object, NullLogger<ChatReceipts>.Instance);
        await receipts.StartAsync(CancellationToken.None);

        receipts.Shown(new Dictionary<string, string> { ["kind"] = "github", ["chat_id"] = "1", ["message_id"] = "2" });
        receipts.Shown(new Dictionary<string, string> { ["kind"] = "telegram", ["chat_id"] = "111" });
        receipts.Shown(new Dictionary<string, string> { ["kind"] = "telegram", ["chat_id"] = "111", ["message_id"] = "42" });
        receipts.Shown(new Dictionary<string, string> { ["kind"] = "telegram", ["chat_id"] = "-100123", ["message_id"] = "43" });

        await second.Task.WaitAsync(TimeSpan.FromSeconds(10));
        await receipts.StopAsync(CancellationToken.None);
        Assert.Equal([("111", 42L), ("-100123", 43L)], sent);
    }
}
