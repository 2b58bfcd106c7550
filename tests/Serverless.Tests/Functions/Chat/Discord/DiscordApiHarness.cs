using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Serverless.Functions.Chat.Discord;
using Serverless.Testing;

namespace Serverless.Tests.Functions.Chat.Discord;

/// <summary>For tests of the REST client and the transport: a fresh fake of Discord's API on 127.0.0.1 per test, and both pointed at it.</summary>
public abstract class DiscordApiHarness : IAsyncLifetime
{
    public const string BotToken = "MTA.discord-unit-tests.bot-token";
    private readonly HttpClient _http = new();

    public FakeDiscordApi Fake { get; private set; } = null!;

    public async Task InitializeAsync() => Fake = await FakeDiscordApi.StartAsync(BotToken);

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await Fake.DisposeAsync();
    }

    /// <summary>Options for application 777 with server channel 500 allowed, changed by <paramref name="configure"/>.</summary>
    protected DiscordOptions Options(Action<DiscordOptions>? configure = null)
    {
        var options = new DiscordOptions { PublicKey = new string('a', 64), ApplicationId = "777", BotToken = BotToken, ApiBaseUrl = Fake.BaseUrl };
        options.AllowedChannels.Add("500");
        configure?.Invoke(options);
        return options;
    }

    protected DiscordApi CreateApi(DiscordOptions? options = null, TimeProvider? time = null) =>
        new(_http, Microsoft.Extensions.Options.Options.Create(options ?? Options()), time ?? TimeProvider.System, NullLogger<DiscordApi>.Instance);

    protected DiscordChatTransport Transport(Action<DiscordOptions>? configure = null)
    {
        var options = Options(configure);
        return new DiscordChatTransport(Microsoft.Extensions.Options.Options.Create(options), CreateApi(options));
    }
}
