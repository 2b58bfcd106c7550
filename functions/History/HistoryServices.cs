using Microsoft.Extensions.Options;
using Serverless.Functions.Hosting;
using Serverless.Functions.Inbox;

namespace Serverless.Functions.History;

public static class HistoryServices
{
    /// <summary>Where the table history keeps the envelopes too large for their row, for as long as the row.</summary>
    public const string EnvelopeContainer = "history-envelopes";

    /// <summary>Every accepted event's steps and every refused delivery's count, per channel: a table (memory on the local default).</summary>
    public static IServiceCollection AddHistory(this IServiceCollection services)
    {
        services.AddOptions<HistoryOptions>().BindConfiguration(HistoryOptions.Section)
            .Validate(o => o.RetentionDays is >= 1 and <= 365, "History:RetentionDays must be between 1 and 365.")
            .Validate(o => o.MaxPendingNotes is >= 100 and <= 1_000_000, "History:MaxPendingNotes must be between 100 and 1,000,000.")
            .Validate(o => o.MaxEmbeddedEvents is >= 100 and <= 10_000_000, "History:MaxEmbeddedEvents must be between 100 and 10,000,000.")
            .ValidateOnStart();
        services.AddSingleton<EventHistory>();
        services.AddHostedService<HistoryWriter>();
        services.AddHostedService<HistorySweeper>();
        // Kept where the inbox is: beside it in the storage account, or in memory with the embedded inbox.
        services.AddSingleton<IEventHistoryStore>(sp => sp.GetRequiredService<DeploymentMode>().EmbeddedInbox
            ? new EmbeddedEventHistoryStore(sp.GetRequiredService<IOptions<HistoryOptions>>().Value.MaxEmbeddedEvents)
            : new TableEventHistoryStore(
                sp.GetRequiredService<StorageServiceClients>().Tables.GetTableClient("history"),
                sp.GetRequiredService<StorageServiceClients>().Blobs.GetBlobContainerClient(EnvelopeContainer)));
        return services;
    }
}
