using Microsoft.Extensions.Options;
using Serverless.Functions.Hosting;
using Serverless.Functions.Inbox;
using Serverless.Functions.Questions;
using Serverless.Functions.Telegram.Access;

namespace Serverless.Functions.Telegram;

public static class TelegramServices
{
    /// <summary>The Telegram bot: its options, the Bot API client, pairings, permission prompts and the transport for questions.</summary>
    public static IServiceCollection AddTelegram(this IServiceCollection services, DeploymentMode mode)
    {
        ArgumentNullException.ThrowIfNull(mode);
        services.AddOptions<TelegramOptions>().BindConfiguration(TelegramOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<TelegramOptions>, TelegramOptionsValidator>();
        services.AddHttpClient<TelegramBotApi>(http => http.Timeout = TimeSpan.FromSeconds(30));
        services.AddTransient<PermissionRelay>();
        services.AddTransient<IQuestionTransport, TelegramQuestionTransport>();
        services.AddTransient<TelegramUpdateHandler>();
        if (mode.EmbeddedInbox)
        {
            services.AddSingleton<ITelegramAccessStore, EmbeddedTelegramAccessStore>();
            return services;
        }

        services.AddSingleton<ITelegramAccessStore>(sp => new TableTelegramAccessStore(
            sp.GetRequiredService<StorageServiceClients>().Tables.GetTableClient("telegram"),
            sp.GetRequiredService<IOptions<TelegramOptions>>()));
        return services;
    }
}
