using System.Text.Json.Nodes;
using Azure.Core;
using Azure.Core.Pipeline;
using Serverless.Functions.Security;

namespace Serverless.Functions.WebPubSub;

/// <summary>
/// Signs every attempt with a fresh access-key JWT whose audience is the request URL, as the
/// data-plane REST reference requires.
/// </summary>
public sealed class WebPubSubAccessKeyPolicy(string accessKey, TimeProvider timeProvider) : HttpPipelineSynchronousPolicy
{
    public override void OnSendingRequest(HttpMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var now = timeProvider.GetUtcNow();
        var claims = new JsonObject
        {
            ["aud"] = message.Request.Uri.ToUri().AbsoluteUri,
            ["iat"] = now.ToUnixTimeSeconds(),
            ["exp"] = now.AddMinutes(10).ToUnixTimeSeconds(),
        };
        message.Request.Headers.SetValue(HttpHeader.Names.Authorization, "Bearer " + HmacJwt.Create(claims, accessKey));
    }
}
