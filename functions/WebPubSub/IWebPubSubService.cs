namespace Serverless.Functions.WebPubSub;

/// <summary>The subset of the Web PubSub data plane this app uses.</summary>
public interface IWebPubSubService
{
    /// <summary><c>POST /api/hubs/{hub}/groups/{group}/:send</c> with a JSON body.</summary>
    Task SendToGroupAsync(string group, BinaryData json, CancellationToken cancellationToken);

    /// <summary>
    /// A client access URL for a connection that joins <paramref name="groups"/> and may do nothing else.
    /// <paramref name="clientEndpoint"/> replaces the service endpoint in the URL (the embedded endpoint
    /// is reached at whatever address the client used).
    /// </summary>
    Task<Uri> GetClientAccessUriAsync(
        string userId, IReadOnlyList<string> groups, TimeSpan lifetime, Uri? clientEndpoint, CancellationToken cancellationToken);
}
