using Azure.Core;

namespace Serverless.Functions.WebPubSub;

/// <summary>How to reach the Web PubSub data plane: an endpoint and either an access key or an Entra ID credential.</summary>
public sealed class WebPubSubConnection
{
    private readonly Func<Uri> _endpoint;

    private WebPubSubConnection(Func<Uri> endpoint, string hub, string? accessKey, TokenCredential? credential)
    {
        _endpoint = endpoint;
        Hub = hub;
        AccessKey = accessKey;
        Credential = credential;
    }

    /// <summary>The service endpoint (for the embedded endpoint, resolved once the server listens).</summary>
    public Uri Endpoint => _endpoint();

    public string Hub { get; }

    public string? AccessKey { get; }

    public TokenCredential? Credential { get; }

    public static WebPubSubConnection WithAccessKey(Func<Uri> endpoint, string hub, string accessKey) =>
        new(endpoint, hub, accessKey, null);

    public static WebPubSubConnection WithCredential(Uri endpoint, string hub, TokenCredential credential) =>
        new(() => endpoint, hub, null, credential);
}
