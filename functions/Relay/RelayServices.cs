using Microsoft.Extensions.Options;

namespace Serverless.Functions.Relay;

public static class RelayServices
{
    /// <summary>Relay tokens (validated at start-up) and the check every relay route runs.</summary>
    public static IServiceCollection AddRelayApi(this IServiceCollection services)
    {
        services.AddOptions<RelayOptions>().BindConfiguration(RelayOptions.Section).ValidateOnStart();
        services.AddSingleton<IPostConfigureOptions<RelayOptions>, RelayOptionsSetup>();
        services.AddSingleton<IValidateOptions<RelayOptions>, RelayOptionsSetup>();
        services.AddSingleton<RelayAuthenticator>();
        return services;
    }
}
