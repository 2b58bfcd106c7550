using Microsoft.Extensions.Options;
using Serverless.Functions.Chat;
using Serverless.Functions.Hosting;

namespace Serverless.Functions.Chat.Discord;

public static class DiscordServices
{
    /// <summary>The Discord application: its options, the REST client and the chat transport (with its access store).</summary>
    public static IServiceCollection AddDiscord(this IServiceCollection services, DeploymentMode mode)
    {
        ArgumentNullException.ThrowIfNull(mode);
        services.AddOptions<DiscordOptions>().BindConfiguration(DiscordOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<DiscordOptions>, DiscordOptionsValidator>();
        services.AddHttpClient<DiscordApi>(http => http.Timeout = TimeSpan.FromSeconds(30));
        services.AddChatTransport<DiscordChatTransport>(DiscordIds.Transport, mode);
        return services;
    }
}
