using Microsoft.Extensions.Options;
using Serverless.Functions.Hosting;
using Serverless.Functions.Inbox;
using Serverless.Functions.Sources.Dedupe;
using Serverless.Functions.Sources.Filters;

namespace Serverless.Functions.Sources;

public static class SourceServices
{
    /// <summary>Every webhook source with its options, the channel filters and the delivery log that drops redeliveries.</summary>
    public static IServiceCollection AddSources(this IServiceCollection services, DeploymentMode mode)
    {
        ArgumentNullException.ThrowIfNull(mode);
        services.AddSingleton<IPostConfigureOptions<SourceOptions>, SourceOptionsSetup>();
        services.AddSingleton<IValidateOptions<SourceOptions>, SourceOptionsSetup>();
        foreach (var source in SourceCatalog.Create())
        {
            services.AddSingleton(source);
            services.AddOptions<SourceOptions>(source.Name).BindConfiguration($"{SourceOptions.Section}:{source.Name}").ValidateOnStart();
        }

        services.AddOptions<Dictionary<string, ChannelFilter>>().BindConfiguration("Channels").ValidateOnStart();
        services.AddSingleton<IValidateOptions<Dictionary<string, ChannelFilter>>, ChannelFiltersValidator>();
        if (mode.EmbeddedInbox)
        {
            services.AddSingleton<IDeliveryLog, EmbeddedDeliveryLog>();
        }
        else
        {
            services.AddSingleton<IDeliveryLog>(sp => new BlobDeliveryLog(
                sp.GetRequiredService<StorageServiceClients>().Blobs.GetBlobContainerClient("deliveries"),
                sp.GetRequiredService<TimeProvider>()));
        }

        return services;
    }
}
