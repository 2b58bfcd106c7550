using Serverless.Functions.Hosting;

namespace Serverless.Functions.Health;

/// <summary>The small JSON status of <c>GET /api/health</c>: no secrets, only which backends are in use.</summary>
public sealed record HealthStatus(string Status, string WebPubSub, string Inbox, bool LocalDefault)
{
    public static HealthStatus From(DeploymentMode mode)
    {
        ArgumentNullException.ThrowIfNull(mode);
        return new HealthStatus(
            "ok",
            mode.EmbeddedWebPubSub ? "embedded" : "azure",
            mode.EmbeddedInbox ? "embedded (not durable)" : mode.DevelopmentStorage ? "storage-emulator" : "azure-storage",
            mode.IsLocalDefault);
    }
}
