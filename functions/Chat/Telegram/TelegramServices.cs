using Microsoft.Extensions.Options;
using Serverless.Functions.Chat;
using Serverless.Functions.Hosting;

namespace Serverless.Functions.Chat.Telegram;

public static class TelegramServices
{
    /// <summary>The Telegram bot: its options, the Bot API client, and the chat transport.</summary>
    public static IServiceCollection AddTelegram(this IServiceCollection services, DeploymentMode mode)
    {
        ArgumentNullException.ThrowIfNull(mode);
        services.AddOptions<TelegramOptions>().BindConfiguration(TelegramOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<TelegramOptions>, TelegramOptionsValidator>();
        services.AddHttpClient<TelegramBotApi>(http => http.Timeout = TimeSpan.FromSeconds(30));
        services.AddChatTransport<TelegramChatTransport>(TelegramChatTransport.TransportName, mode, markdownV2: true);
        services.AddTransient<TelegramUpdateHandler>();
        return services;
    }
}
