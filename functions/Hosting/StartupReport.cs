using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Serverless.Functions.Relay;
using Serverless.Functions.Sources;
using Serverless.Functions.WebPubSub;
using Serverless.Functions.WebPubSub.Embedded;

namespace Serverless.Functions.Hosting;

/// <summary>Says at start-up what the app is using, and on the local default which well-known secrets are in effect.</summary>
public sealed partial class StartupReport(
    DeploymentMode mode,
    IServer server,
    IOptions<WebPubSubOptions> webPubSub,
    IServiceProvider services,
    IHostApplicationLifetime lifetime,
    ILogger<StartupReport> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        lifetime.ApplicationStarted.Register(Report);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private void Report()
    {
        var address = server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault() ?? "(unknown)";
        if (mode.IsLocalDefault)
        {
            LogLocalDefault(address);
        }

        LogWebPubSub(mode.IsLocalDefault ? $"embedded at {address} (hub '{webPubSub.Value.Hub}')" : $"Azure (hub '{webPubSub.Value.Hub}')");
        if (mode.EmbeddedInbox)
        {
            LogEmbeddedInbox();
        }
        else
        {
            LogInbox(mode.DevelopmentStorage ? "the storage emulator" : "Azure Storage");
        }

        if (!mode.IsLocalDefault)
        {
            return;
        }

        // Only the public development defaults are named, and only those that are in effect.
        if (services.GetRequiredService<IOptions<RelayOptions>>().Value.Tokens.Any(t => t.Secret == DevelopmentSecrets.RelayToken))
        {
            LogDevelopmentSecret("relay token", DevelopmentSecrets.RelayToken);
        }

        if (services.GetRequiredService<IOptionsMonitor<SourceOptions>>().Get(Sources.Generic.GenericSource.SourceName).Secret == DevelopmentSecrets.WebhookToken)
        {
            LogDevelopmentSecret("generic webhook token", DevelopmentSecrets.WebhookToken);
        }

        var key = services.GetRequiredService<EmbeddedAccessKey>().Value;
        LogEmbeddedConnectionString(address, key);
    }

    // In place of the host's lifetime lines, which the local default leaves out (LocalServer).
    [LoggerMessage(Level = LogLevel.Information, Message = "Local default: listening on {Address}, serving everything itself with nothing in Azure; Ctrl+C stops it")]
    private partial void LogLocalDefault(string address);

    [LoggerMessage(Level = LogLevel.Information, Message = "Web PubSub: {Description}")]
    private partial void LogWebPubSub(string description);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Inbox: embedded in memory, NOT durable: events waiting for a relay are lost when this process stops. Set Storage:ConnectionString for a durable inbox.")]
    private partial void LogEmbeddedInbox();

    [LoggerMessage(Level = LogLevel.Information, Message = "Inbox: Storage Queues on {Backend}")]
    private partial void LogInbox(string backend);

    // A public development default, refused outside the local default.
    [LoggerMessage(Level = LogLevel.Information, Message = "Local default: the well-known development {What} '{Value}' is accepted")]
    private partial void LogDevelopmentSecret(string what, string value);

    // This process's own key, printed so that tools on this machine can use the embedded endpoint.
    [LoggerMessage(Level = LogLevel.Information, Message = "Embedded Web PubSub connection string for this process: 'Endpoint={Endpoint};AccessKey={AccessKey};Version=1.0;'")]
    private partial void LogEmbeddedConnectionString(string endpoint, string accessKey);
}
