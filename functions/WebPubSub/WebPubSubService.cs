using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Azure.Core;
using Azure.Core.Pipeline;
using Serverless.Functions.Security;

namespace Serverless.Functions.WebPubSub;

/// <summary>
/// Web PubSub data-plane client over the documented REST API and Azure.Core's pipeline
/// (retries, timeouts), authenticated by access key or Entra ID.
/// </summary>
public sealed class WebPubSubService : IWebPubSubService
{
    private const string EntraScope = "https://webpubsub.azure.com/.default";
    private readonly WebPubSubConnection _connection;
    private readonly HttpPipeline _pipeline;
    private readonly TimeProvider _timeProvider;

    public WebPubSubService(WebPubSubConnection connection, TimeProvider timeProvider, WebPubSubClientOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(connection);
        _connection = connection;
        _timeProvider = timeProvider;
        options ??= new WebPubSubClientOptions();
        HttpPipelinePolicy auth = connection.AccessKey is { } key
            ? new WebPubSubAccessKeyPolicy(key, timeProvider)
            : new BearerTokenAuthenticationPolicy(
                connection.Credential ?? throw new ArgumentException("Either an access key or a credential is required.", nameof(connection)),
                EntraScope);
        _pipeline = HttpPipelineBuilder.Build(options, [], [auth], new ResponseClassifier());
    }

    public async Task SendToGroupAsync(string group, BinaryData json, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(group);
        ArgumentNullException.ThrowIfNull(json);
        using var message = HubRequest();
        var request = message.Request;
        request.Uri.AppendPath("/groups/", false);
        request.Uri.AppendPath(group, true);
        request.Uri.AppendPath("/:send", false);
        request.Uri.AppendQuery("api-version", WebPubSubClientOptions.ApiVersion);
        request.Headers.SetValue(HttpHeader.Names.ContentType, "application/json");
        request.Content = RequestContent.Create(json);
        await _pipeline.SendAsync(message, cancellationToken).ConfigureAwait(false);
        if (message.Response.Status != 202)
        {
            throw new WebPubSubRequestFailedException(
                $"Web PubSub send to group '{group}' answered {message.Response.Status} {message.Response.ReasonPhrase}.")
            {
                Status = message.Response.Status,
            };
        }
    }

    public async Task<Uri> GetClientAccessUriAsync(
        string userId, IReadOnlyList<string> groups, TimeSpan lifetime, Uri? clientEndpoint, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(groups);
        var endpoint = clientEndpoint ?? _connection.Endpoint;
        var token = _connection.AccessKey is { } key
            ? CreateClientToken(endpoint, key, userId, groups, lifetime)
            : await GenerateTokenAsync(userId, groups, lifetime, cancellationToken).ConfigureAwait(false);

        var builder = new UriBuilder(endpoint)
        {
            Scheme = endpoint.Scheme == Uri.UriSchemeHttps ? "wss" : "ws",
            Path = $"/client/hubs/{Uri.EscapeDataString(_connection.Hub)}",
            Query = "access_token=" + Uri.EscapeDataString(token),
        };
        return builder.Uri;
    }

    private string CreateClientToken(Uri endpoint, string key, string userId, IReadOnlyList<string> groups, TimeSpan lifetime)
    {
        var now = _timeProvider.GetUtcNow();
        var claims = new JsonObject
        {
            ["aud"] = $"{endpoint.GetLeftPart(UriPartial.Authority)}/client/hubs/{_connection.Hub}",
            ["iat"] = now.ToUnixTimeSeconds(),
            ["exp"] = now.Add(lifetime).ToUnixTimeSeconds(),
            ["sub"] = userId,
            ["webpubsub.group"] = new JsonArray([.. groups.Select(g => (JsonNode?)JsonValue.Create(g))]),
        };
        return HmacJwt.Create(claims, key);
    }

    /// <summary>A POST to <c>{endpoint}/api/hubs/{hub}</c>, to which the caller appends the operation.</summary>
    private HttpMessage HubRequest()
    {
        var message = _pipeline.CreateMessage();
        var request = message.Request;
        request.Method = RequestMethod.Post;
        request.Uri.Reset(_connection.Endpoint);
        request.Uri.AppendPath("/api/hubs/", false);
        request.Uri.AppendPath(_connection.Hub, true);
        return message;
    }

    // With Entra ID there is no key to sign with, so the service issues the token (generateToken).
    private async Task<string> GenerateTokenAsync(string userId, IReadOnlyList<string> groups, TimeSpan lifetime, CancellationToken cancellationToken)
    {
        using var message = HubRequest();
        var request = message.Request;
        request.Uri.AppendPath("/:generateToken", false);
        request.Uri.AppendQuery("userId", userId);
        foreach (var group in groups)
        {
            request.Uri.AppendQuery("group", group);
        }

        request.Uri.AppendQuery("minutesToExpire", ((int)Math.Ceiling(lifetime.TotalMinutes)).ToString(CultureInfo.InvariantCulture));
        request.Uri.AppendQuery("api-version", WebPubSubClientOptions.ApiVersion);
        await _pipeline.SendAsync(message, cancellationToken).ConfigureAwait(false);
        if (message.Response.Status != 200)
        {
            throw new WebPubSubRequestFailedException(
                $"Web PubSub generateToken answered {message.Response.Status} {message.Response.ReasonPhrase}.")
            {
                Status = message.Response.Status,
            };
        }

        using var document = await JsonDocument.ParseAsync(message.Response.ContentStream!, cancellationToken: cancellationToken).ConfigureAwait(false);
        return document.RootElement.GetProperty("token").GetString()
            ?? throw new WebPubSubRequestFailedException("Web PubSub generateToken returned no token.");
    }
}
