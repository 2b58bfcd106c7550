using Microsoft.Extensions.Options;
using Serverless.Functions.Chat;
using Serverless.Functions.Hosting;

namespace Serverless.Functions.Chat.Slack;

public static class SlackServices
{
    /// <summary>The Slack app: its options, the Web API client, the chat transport and the queue of replies to Slack's own requests.</summary>
    public static IServiceCollection AddSlack(this IServiceCollection services, DeploymentMode mode)
    {
        ArgumentNullException.ThrowIfNull(mode);
        services.AddOptions<SlackOptions>().BindConfiguration(SlackOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<SlackOptions>, SlackOptionsValidator>();
        services.AddHttpClient<SlackWebApi>(http => http.Timeout = TimeSpan.FromSeconds(30));
        services.AddSingleton<SlackBotUser>();
        services.AddSingleton<SlackOutbox>();
        services.AddHostedService(sp => sp.GetRequiredService<SlackOutbox>());
        services.AddChatTransport<SlackChatTransport>(SlackChatTransport.TransportName, mode);
        return services;
    }
}
