using Serverless.Functions.History;
using Serverless.Functions.Publishing;

namespace Serverless.Functions.Hooks;

public static class HookServices
{
    /// <summary>The webhook ingress: body limits, the store-then-ring path every accepted event takes, and its history.</summary>
    public static IServiceCollection AddHooks(this IServiceCollection services)
    {
        services.AddOptions<IngressOptions>().BindConfiguration(IngressOptions.Section)
            .Validate(o => o.MaxBodyBytes is > 0 and <= 64 * 1024 * 1024, "Ingress:MaxBodyBytes must be between 1 byte and 64 MiB.")
            .ValidateOnStart();
        services.AddSingleton<IEventPublisher, WebPubSubEventPublisher>();
        services.AddSingleton<EventIngress>();
        services.AddSingleton<HookProblems>();
        services.AddSingleton<WebhookReceiver>();
        services.AddHistory();
        return services;
    }
}
