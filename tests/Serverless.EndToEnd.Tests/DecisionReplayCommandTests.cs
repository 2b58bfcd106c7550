using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Functions.History;
using Serverless.Functions.Inbox;
using Serverless.Testing;

namespace Serverless.EndToEnd.Tests;

/// <summary>
/// <c>relay replay</c> of a permission answer given on the phone: the app refuses it (409) and the command prints why
/// and exits 1, and nothing is stored for a relay to take. Before, the replay re-sent <c>allow</c> to Claude Code.
/// </summary>
public sealed class DecisionReplayCommandTests : IAsyncLifetime
{
    private const string BotToken = "123456:TEST-replay-bot-token";
    private const string Secret = "telegram-replay-secret-0123";
    private const string RelayToken = "decision-replay-command-relay-token";
    private const long Owner = 111;
    private FakeTelegramBotApi _telegram = null!;
    private RunningFunctionsApp _app = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        _telegram = await FakeTelegramBotApi.StartAsync(BotToken);
        _app = await RunningFunctionsApp.StartAsync(new Dictionary<string, string?>
        {
            ["Telegram:BotToken"] = BotToken,
            ["Telegram:SecretToken"] = Secret,
            ["Telegram:ApiBaseUrl"] = _telegram.BaseUrl.ToString(),
            ["Telegram:AllowedUsers:0"] = Owner.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Relay:Tokens:0:Secret"] = RelayToken,
            ["Relay:Tokens:0:Channels"] = "default",
        });
        _http = _app.CreateClient();
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _app.DisposeAsync();
        await _telegram.DisposeAsync();
    }

    [Fact]
    public async Task Relay_replay_of_a_permission_answer_is_refused_with_the_reason_and_stores_nothing()
    {
        // The request as the relay sends it for Claude Code (the relay's own forwarding is TelegramTests' subject).
        using (var asking = new HttpRequestMessage(HttpMethod.Post, new Uri("/api/relay/permission", UriKind.Relative))
        {
            Content = JsonContent.Create(new JsonObject { ["channel"] = "default", ["request_id"] = "abcde", ["tool_name"] = "Bash", ["description"] = "Deploy to production", ["input_preview"] = "./deploy.sh" }),
        })
        {
            asking.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", RelayToken);
            using var asked = await _http.SendAsync(asking);
            asked.EnsureSuccessStatusCode();
        }

        // The owner taps Allow, as Telegram sends it.
        using (var tap = new HttpRequestMessage(HttpMethod.Post, new Uri("/api/telegram", UriKind.Relative))
        {
            Content = JsonContent.Create(new JsonObject
            {
                ["update_id"] = 1,
                ["callback_query"] = new JsonObject
                {
                    ["id"] = "cb-1",
                    ["from"] = new JsonObject { ["id"] = Owner, ["is_bot"] = false, ["first_name"] = "Ann" },
                    ["data"] = "perm:allow:abcde",
                    ["message"] = new JsonObject { ["message_id"] = 5, ["chat"] = new JsonObject { ["id"] = Owner, ["type"] = "private" } },
                },
            }),
        })
        {
            tap.Headers.Add("X-Telegram-Bot-Api-Secret-Token", Secret);
            using var tapped = await _http.SendAsync(tap);
            tapped.EnsureSuccessStatusCode();
        }

        // The answer is stored before the webhook call returns; its history is written by the background writer.
        var answer = Assert.Single((await Inbox.ReceiveAsync("default", 10, TimeSpan.FromMinutes(5), default)).Items).Event;
        Assert.Equal(("permission", "allow"), (answer.EventType, answer.Behavior));
        await _app.Services.GetRequiredService<EventHistory>().DrainAsync(default);
        var stored = Inbox.Count("default");

        var replay = await RelayProcess.RunCommandWithTokenAsync(RelayToken, _app.BaseUrl, "default", "replay", answer.Id);

        Assert.Equal(1, replay.ExitCode);
        Assert.Contains($"answered 409 to replay: Event {answer.Id} is a permission answer from a chat; decisions are never replayed (ask again instead).", replay.Stderr, StringComparison.Ordinal);
        Assert.Equal(string.Empty, replay.Stdout);
        Assert.Equal(stored, Inbox.Count("default"));
    }

    private EmbeddedEventInbox Inbox => _app.Services.GetRequiredService<EmbeddedEventInbox>();
}
