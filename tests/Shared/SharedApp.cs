using System.Text;
using System.Text.Json.Nodes;

namespace Serverless.Testing;

/// <summary>
/// One function app (and, when asked for, a fake Telegram Bot API) shared by the tests of a class as an
/// xunit class fixture; a subclass says how the app is configured.
/// </summary>
public abstract class SharedApp : Xunit.IAsyncLifetime
{
    public const string TelegramSecretToken = "telegram-secret-token-0123";

    public RunningFunctionsApp Running { get; private set; } = null!;

    public HttpClient Http { get; private set; } = null!;

    public FakeTelegramBotApi Telegram { get; private set; } = null!;

    /// <summary>A bot token makes the fixture start the fake Bot API and point the app at it.</summary>
    protected virtual string? TelegramBotToken => null;

    protected abstract Dictionary<string, string?> Settings();

    public async Task InitializeAsync()
    {
        var settings = Settings();
        if (TelegramBotToken is { } bot)
        {
            Telegram = await FakeTelegramBotApi.StartAsync(bot);
            settings["Telegram:BotToken"] = bot;
            settings["Telegram:SecretToken"] = TelegramSecretToken;
            settings["Telegram:ApiBaseUrl"] = Telegram.BaseUrl.ToString();
        }

        Running = await RunningFunctionsApp.StartAsync(settings);
        Http = Running.CreateClient();
    }

    public async Task DisposeAsync()
    {
        Http.Dispose();
        await Running.DisposeAsync();
        if (Telegram is not null)
        {
            await Telegram.DisposeAsync();
        }
    }

    /// <summary>Posts a private-chat text message from <paramref name="from"/> to the Telegram webhook, as Telegram would.</summary>
    public async Task<HttpResponseMessage> TelegramMessageAsync(long from, string text)
    {
        var update = new JsonObject
        {
            ["update_id"] = Random.Shared.Next(1, 1_000_000),
            ["message"] = new JsonObject
            {
                ["message_id"] = Random.Shared.Next(1, 1_000_000),
                ["from"] = new JsonObject { ["id"] = from, ["is_bot"] = false, ["first_name"] = "P" },
                ["chat"] = new JsonObject { ["id"] = from, ["type"] = "private" },
                ["text"] = text,
            },
        };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/telegram") { Content = new StringContent(update.ToJsonString(), Encoding.UTF8, "application/json") };
        request.Headers.Add("X-Telegram-Bot-Api-Secret-Token", TelegramSecretToken);
        return await Http.SendAsync(request);
    }
}
