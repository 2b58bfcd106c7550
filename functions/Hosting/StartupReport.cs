using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Serverless.Functions.WebPubSub;

namespace Serverless.Functions.Hosting;

/// <summary>Says at start-up what the app is using, and on the local default which well-known secrets apply.</summary>
public sealed partial class StartupReport(
    DeploymentMode mode,
    IServer server,
    IOptions<WebPubSubOptions> webPubSub,
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
        LogWebPubSub(mode.EmbeddedWebPubSub ? $"embedded at {address} (hub '{webPubSub.Value.Hub}')" : $"Azure (hub '{webPubSub.Value.Hub}')");
        if (mode.EmbeddedInbox)
        {
            LogEmbeddedInbox();
        }
        else
        {
            LogInbox(mode.DevelopmentStorage ? "the storage emulator" : "Azure Storage");
        }

        if (mode.IsLocalDefault)
        {
            LogLocalDefault(DevelopmentSecrets.RelayToken, DevelopmentSecrets.WebhookToken, address, DevelopmentSecrets.WebPubSubAccessKey);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Web PubSub: {Description}")]
    private partial void LogWebPubSub(string description);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Inbox: embedded in memory, NOT durable: events waiting for a relay are lost when this process stops. Set Storage:ConnectionString for a durable inbox.")]
    private partial void LogEmbeddedInbox();

    [LoggerMessage(Level = LogLevel.Information, Message = "Inbox: Storage Queues on {Backend}")]
    private partial void LogInbox(string backend);

    // These values are public development defaults (CONTRACT.md), refused outside the local default.
    [LoggerMessage(Level = LogLevel.Information, Message = "Local default with well-known development secrets: relay token '{RelayToken}', generic webhook token '{WebhookToken}', Web PubSub connection string 'Endpoint={Endpoint};AccessKey={AccessKey};Version=1.0;'")]
    private partial void LogLocalDefault(string relayToken, string webhookToken, string endpoint, string accessKey);
}
