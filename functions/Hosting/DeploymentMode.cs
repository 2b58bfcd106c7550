using Microsoft.Extensions.Configuration;

namespace Serverless.Functions.Hosting;

/// <summary>Where the app runs and which backing services it uses, decided once from configuration.</summary>
public sealed class DeploymentMode
{
    public DeploymentMode(bool runsInAzure, bool embeddedWebPubSub, bool embeddedInbox, bool developmentStorage, AppHost host = AppHost.LocalServer)
    {
        Host = host;
        RunsInAzure = runsInAzure;
        EmbeddedWebPubSub = embeddedWebPubSub;
        EmbeddedInbox = embeddedInbox;
        DevelopmentStorage = developmentStorage;
    }

    /// <summary>What started the process: <c>dotnet run</c> (the app's own server) or the Functions host.</summary>
    public AppHost Host { get; }

    /// <summary>Hosted by the Azure Functions host in Azure (App Service sets WEBSITE_INSTANCE_ID and WEBSITE_SITE_NAME).</summary>
    public bool RunsInAzure { get; }

    /// <summary>No Web PubSub configured: the app serves the Web PubSub protocol itself.</summary>
    public bool EmbeddedWebPubSub { get; }

    /// <summary>No storage configured: events are kept in memory (not durable).</summary>
    public bool EmbeddedInbox { get; }

    /// <summary>Storage is the local emulator (Azurite).</summary>
    public bool DevelopmentStorage { get; }

    /// <summary>
    /// The local default: the app's own server on this machine with nothing in the cloud involved, so the
    /// well-known development secrets are acceptable. Under the Functions host (<c>func start</c>) it never
    /// is: the host forwards only function routes, so the embedded Web PubSub endpoint cannot be reached.
    /// </summary>
    public bool IsLocalDefault => Host == AppHost.LocalServer && !RunsInAzure && EmbeddedWebPubSub && (EmbeddedInbox || DevelopmentStorage);

    public static DeploymentMode FromConfiguration(IConfiguration configuration, AppHost host = AppHost.LocalServer)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var runsInAzure = !string.IsNullOrEmpty(configuration["WEBSITE_INSTANCE_ID"]) || !string.IsNullOrEmpty(configuration["WEBSITE_SITE_NAME"]);
        var embeddedWebPubSub = string.IsNullOrWhiteSpace(configuration["WebPubSub:ConnectionString"])
            && string.IsNullOrWhiteSpace(configuration["WebPubSub:Endpoint"]);
        var storageConnection = configuration["Storage:ConnectionString"];
        var embeddedInbox = string.IsNullOrWhiteSpace(storageConnection)
            && string.IsNullOrWhiteSpace(configuration["Storage:ServiceUri"]);
        var developmentStorage = !embeddedInbox && IsStorageEmulator(storageConnection);
        return new DeploymentMode(runsInAzure, embeddedWebPubSub, embeddedInbox, developmentStorage, host);
    }

    private static readonly string[] ServiceEndpointKeys = ["QueueEndpoint", "BlobEndpoint", "TableEndpoint"];

    /// <summary>
    /// Whether a storage connection string names the local emulator: <c>UseDevelopmentStorage=true</c>, or
    /// all three service endpoints (queue, blob, table) on this machine: a missing one would be derived
    /// from the account name, on Azure. Read key by key, so an account merely named
    /// "localhost..." on Azure does not count.
    /// </summary>
    public static bool IsStorageEmulator(string? connectionString)
    {
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            return false;
        }

        var settings = connectionString.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(part => part.Split('=', 2))
            .Where(pair => pair.Length == 2)
            .GroupBy(pair => pair[0].Trim(), StringComparer.OrdinalIgnoreCase)
            .ToDictionary(g => g.Key, g => g.Last()[1].Trim(), StringComparer.OrdinalIgnoreCase);
        if (settings.TryGetValue("UseDevelopmentStorage", out var development))
        {
            return development.Equals("true", StringComparison.OrdinalIgnoreCase);
        }

        return ServiceEndpointKeys.All(key =>
            settings.TryGetValue(key, out var endpoint) && Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) && uri.IsLoopback);
    }
}
