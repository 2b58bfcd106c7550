using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Azure.Storage.Queues;
using ModelContextProtocol.Protocol;
using Serverless.Functions.Inbox;
using Serverless.Functions.Questions;
using Serverless.Testing;

namespace Serverless.EndToEnd.Tests;

/// <summary>
/// A question lives in the function app's tables: the app process killed while the relay waits, started
/// again, and the owner's tap afterwards still reaches the waiting <c>ask_user</c> call. Storage is Azurite,
/// the app and the relay real processes, Telegram the fake Bot API on 127.0.0.1.
/// </summary>
[Collection(UsesAzurite.Name)]
public sealed class QuestionDurabilityTests(AzuriteFixture fixture)
{
    private const string BotToken = "123456:DURABLE-bot-token";
    private const string Secret = "telegram-secret-token-0123";
    private const string RelayToken = "question-durability-relay-token";
    private const string Channel = "ask-durable";
    private const long Owner = 111;
    private static readonly string[] Options = ["Apply", "Hold"];

    [Fact]
    public async Task A_question_outlives_a_function_app_crash_and_its_answer_reaches_the_call_still_waiting()
    {
        await using var telegram = await FakeTelegramBotApi.StartAsync(BotToken);
        var port = Azurite.FreePort();
        var settings = new Dictionary<string, string>
        {
            ["Storage__ConnectionString"] = fixture.Azurite.ConnectionString,
            ["Telegram__BotToken"] = BotToken,
            ["Telegram__SecretToken"] = Secret,
            ["Telegram__ApiBaseUrl"] = telegram.BaseUrl.ToString(),
            ["Telegram__AllowedUsers__0"] = Owner.ToString(CultureInfo.InvariantCulture),
            ["Relay__Tokens__0__Secret"] = RelayToken,
            ["Relay__Tokens__0__Channels"] = Channel,
        };
        var functions = await FunctionsProcess.StartAsync(port, settings);
        await using var relay = await RelayProcess.StartAsync(functions.BaseUrl, Channel, RelayToken);
        Task<CallToolResult> call;
        try
        {
            call = relay.Client.CallToolAsync("ask_user", new Dictionary<string, object?>
            {
                ["question"] = "Apply the migration to production?",
                ["options"] = Options,
                ["chat_id"] = Owner.ToString(CultureInfo.InvariantCulture),
            }).AsTask();
            // Killed once the question and its message are in the table (the app's own store, read here as it reads it).
            var store = new TableQuestionStore(StorageClients.CreateTable(new StorageOptions { ConnectionString = fixture.Azurite.ConnectionString }, "questions"));
            var recorded = false;
            for (var i = 0; i < 600 && !recorded; i++)
            {
                recorded = await store.WaitingInChatAsync("telegram", Owner.ToString(CultureInfo.InvariantCulture), default) is { Messages.Count: 1 };
                await Task.Delay(recorded ? 0 : 100);
            }

            Assert.True(recorded, relay.Stderr + functions.Output);
            await functions.KillAsync();
        }
        finally
        {
            await functions.DisposeAsync();
        }

        var button = (string)telegram.Sent().Single()["reply_markup"]!["inline_keyboard"]![1]![0]!["callback_data"]!;
        functions = await FunctionsProcess.StartAsync(port, settings);
        await using (functions)
        {
            using var http = new HttpClient { BaseAddress = functions.BaseUrl };
            using var tap = new HttpRequestMessage(HttpMethod.Post, new Uri("/api/telegram", UriKind.Relative))
            {
                Content = JsonContent.Create(new JsonObject
                {
                    ["update_id"] = 1,
                    ["callback_query"] = new JsonObject
                    {
                        ["id"] = "cb-durable",
                        ["from"] = new JsonObject { ["id"] = Owner, ["is_bot"] = false, ["first_name"] = "O", ["username"] = "owner" },
                        ["data"] = button,
                        ["message"] = new JsonObject { ["message_id"] = 1, ["chat"] = new JsonObject { ["id"] = Owner, ["type"] = "private" } },
                    },
                }),
            };
            tap.Headers.Add("X-Telegram-Bot-Api-Secret-Token", Secret);
            using (var answered = await http.SendAsync(tap))
            {
                Assert.True(answered.IsSuccessStatusCode, functions.Output);
            }

            var result = await call.WaitAsync(TimeSpan.FromSeconds(90));

            Assert.NotEqual(true, result.IsError);
            Assert.StartsWith("111 (owner) chose \"Hold\" (option 2 of 2) on Telegram.", string.Join('\n', result.Content.OfType<TextContentBlock>().Select(c => c.Text)), StringComparison.Ordinal);
            // The restarted app found the question's message in the table and replaced its buttons.
            var edit = Assert.Single(telegram.Sent("editMessageText"));
            Assert.Contains("✅ 111 (owner) answered: Hold", (string)edit["text"]!, StringComparison.Ordinal);
            Assert.Equal("✅ Sent to Claude: Hold", (string?)telegram.Sent("answerCallbackQuery").Single()["text"]);
            var queue = new QueueServiceClient(fixture.Azurite.ConnectionString).GetQueueClient(QueueNames.ForChannel(Channel));
            Assert.True(await RelayProcess.EventuallyAsync(() => queue.GetProperties().Value.ApproximateMessagesCount == 0, TimeSpan.FromSeconds(60)), relay.Stderr);
            Assert.Empty(relay.Notifications);
        }
    }
}
