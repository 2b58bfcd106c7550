using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Serverless.Testing;

namespace Serverless.Tests.Functions.Chat.Telegram;

/// <summary><c>POST /api/relay/telegram/receipt</c>: which chats get a reaction once their message was shown.</summary>
public class TelegramReceiptTests
{
    private const string RelayToken = "receipts-relay-token-0123456789";
    private const long Owner = 111;
    private const long Group = -100123;

    private static async Task<(HttpStatusCode Status, JsonObject Body, IReadOnlyList<JsonObject> Reactions)> ReceiptAsync(string? policy, long chat, long? messageId = 9)
    {
        await using var telegram = await FakeTelegramBotApi.StartAsync("42:receipts");
        var settings = new Dictionary<string, string?>
        {
            ["Telegram:BotToken"] = "42:receipts",
            ["Telegram:SecretToken"] = "receipts-secret-token-0123",
            ["Telegram:ApiBaseUrl"] = telegram.BaseUrl.ToString(),
            ["Telegram:AllowedUsers:0"] = Owner.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Telegram:AllowedGroups:0"] = Group.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Relay:Tokens:0:Secret"] = RelayToken,
            ["Relay:Tokens:0:Channels"] = "default",
        };
        if (policy is not null)
        {
            settings["Telegram:Receipts"] = policy;
        }

        await using var app = await RunningFunctionsApp.StartAsync(settings);
        using var http = app.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/api/relay/telegram/receipt", UriKind.Relative))
        {
            Content = JsonContent.Create(new JsonObject { ["channel"] = "default", ["chat_id"] = chat.ToString(System.Globalization.CultureInfo.InvariantCulture), ["message_id"] = messageId }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", RelayToken);
        using var response = await http.SendAsync(request);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
        return (response.StatusCode, body, telegram.Sent("setMessageReaction"));
    }

    [Theory]
    [InlineData(null, Owner, true)]
    [InlineData(null, Group, false)]
    [InlineData("AllChats", Group, true)]
    [InlineData("Off", Owner, false)]
    public async Task A_shown_message_gets_a_reaction_in_the_chats_the_setting_allows(string? policy, long chat, bool reacted)
    {
        var (status, body, reactions) = await ReceiptAsync(policy, chat);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(reacted, (bool)body["reacted"]!);
        if (reacted)
        {
            var reaction = Assert.Single(reactions);
            Assert.Equal((chat, 9L, "👀"), ((long)reaction["chat_id"]!, (long)reaction["message_id"]!, (string?)reaction["reaction"]![0]!["emoji"]));
        }
        else
        {
            Assert.Empty(reactions);
            Assert.Contains("Telegram:Receipts", (string?)body["reason"], StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_receipt_without_a_message_id_is_400_and_reacts_nowhere()
    {
        var (status, body, reactions) = await ReceiptAsync(null, Owner, messageId: null);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("message_id", (string?)body["detail"], StringComparison.Ordinal);
        Assert.Empty(reactions);
    }
}
