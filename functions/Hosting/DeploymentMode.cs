using Microsoft.Extensions.Configuration;

namespace Serverless.Functions.Hosting;

/// <summary>Where the app runs and which backing services it uses, decided once from configuration.</summary>
public sealed class DeploymentMode
{
    public DeploymentMode(bool runsInAzure, bool embeddedWebPubSub, bool embeddedInbox, bool developmentStorage)
    {
        RunsInAzure = runsInAzure;
        EmbeddedWebPubSub = embeddedWebPubSub;
        EmbeddedInbox = embeddedInbox;
        DevelopmentStorage = developmentStorage;
    }

    /// <summary>Hosted by the Azure Functions host in Azure (App Service sets WEBSITE_INSTANCE_ID and WEBSITE_SITE_NAME).</summary>
    public bool RunsInAzure { get; }

    /// <summary>No Web PubSub configured: the app serves the Web PubSub protocol itself.</summary>
    public bool EmbeddedWebPubSub { get; }

    /// <summary>No storage configured: events are kept in memory (not durable).</summary>
    public bool EmbeddedInbox { get; }

    /// <summary>Storage is the local emulator (Azurite).</summary>
    public bool DevelopmentStorage { get; }

    /// <summary>
    /// The local default of CONTRACT.md: nothing in the cloud is involved, so the well-known
    /// development secrets are acceptable.
    /// </summary>
    public bool IsLocalDefault => !RunsInAzure && EmbeddedWebPubSub && (EmbeddedInbox || DevelopmentStorage);

    public static DeploymentMode FromConfiguration(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var runsInAzure = !string.IsNullOrEmpty(configuration["WEBSITE_INSTANCE_ID"]) || !string.IsNullOrEmpty(configuration["WEBSITE_SITE_NAME"]);
        var embeddedWebPubSub = string.IsNullOrWhiteSpace(configuration["WebPubSub:ConnectionString"])
            && string.IsNullOrWhiteSpace(configuration["WebPubSub:Endpoint"]);
        var storageConnection = configuration["Storage:ConnectionString"];
        var embeddedInbox = string.IsNullOrWhiteSpace(storageConnection)
            && string.IsNullOrWhiteSpace(configuration["Storage:ServiceUri"]);
        var developmentStorage = !embeddedInbox && storageConnection is not null
            && (storageConnection.Contains("UseDevelopmentStorage=true", StringComparison.OrdinalIgnoreCase)
                || storageConnection.Contains("127.0.0.1", StringComparison.Ordinal)
                || storageConnection.Contains("localhost", StringComparison.OrdinalIgnoreCase));
        return new DeploymentMode(runsInAzure, embeddedWebPubSub, embeddedInbox, developmentStorage);
    }
}
