namespace Serverless.Functions.Hosting;

/// <summary>
/// Endpoint metadata for routes that exist only on the local default (the embedded Web PubSub
/// endpoint) and so have no function.json: the Functions host never forwards to them.
/// </summary>
public sealed class LocalOnlyEndpoint
{
    public static readonly LocalOnlyEndpoint Instance = new();

    private LocalOnlyEndpoint()
    {
    }
}
