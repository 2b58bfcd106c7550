using Azure.Core;
using Microsoft.Extensions.Options;
using Serverless.Functions.Hosting;

namespace Serverless.Functions.Inbox;

public static class InboxServices
{
    /// <summary>
    /// The inbox every accepted event is stored in before anyone is told: Storage Queues (and their blobs and
    /// tables, through one set of clients and one credential), or memory on the local default.
    /// </summary>
    public static IServiceCollection AddInbox(this IServiceCollection services, DeploymentMode mode)
    {
        ArgumentNullException.ThrowIfNull(mode);
        services.AddOptions<InboxOptions>().BindConfiguration(InboxOptions.Section)
            .Validate(o => o.MaxDeliveryAttempts is >= 1 and <= 100, "Inbox:MaxDeliveryAttempts must be between 1 and 100.")
            .Validate(o => o.MaxInlineBytes is >= 1024 and <= 48 * 1024, "Inbox:MaxInlineBytes must be between 1 KiB and 48 KiB (a queue message holds 48 KiB of base64-encoded data).")
            .ValidateOnStart();
        services.AddOptions<StorageOptions>().BindConfiguration(StorageOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<StorageOptions>, StorageOptionsValidator>();
        if (mode.EmbeddedInbox)
        {
            services.AddSingleton<EmbeddedEventInbox>();
            services.AddSingleton<IEventInbox>(sp => sp.GetRequiredService<EmbeddedEventInbox>());
            services.AddSingleton<IDeadLetterInbox>(sp => sp.GetRequiredService<EmbeddedEventInbox>());
            services.AddSingleton<IBacklogDepth>(sp => sp.GetRequiredService<EmbeddedEventInbox>());
            return services;
        }

        services.AddSingleton(sp => StorageServiceClients.Create(
            sp.GetRequiredService<IOptions<StorageOptions>>().Value, sp.GetRequiredService<TokenCredential>()));
        services.AddSingleton<IEventInbox>(sp =>
        {
            var storage = sp.GetRequiredService<IOptions<StorageOptions>>().Value;
            var clients = sp.GetRequiredService<StorageServiceClients>();
            return new StorageQueueEventInbox(
                clients.Queues,
                clients.Blobs.GetBlobContainerClient(storage.PayloadContainer),
                sp.GetRequiredService<IOptions<InboxOptions>>(),
                sp.GetRequiredService<ILogger<StorageQueueEventInbox>>(),
                sp.GetRequiredService<TimeProvider>());
        });
        services.AddSingleton(sp => (IDeadLetterInbox)sp.GetRequiredService<IEventInbox>());
        services.AddSingleton(sp => sp.GetRequiredService<IEventInbox>() as IBacklogDepth ?? NoBacklogDepth.Instance);
        return services;
    }
}
