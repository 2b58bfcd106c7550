using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Serverless.Testing;

/// <summary>Sends generic webhooks with the local default's token.</summary>
public static class Webhook
{
    public static async Task<HttpResponseMessage> PostAsync(HttpClient http, string channel, object body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri($"/api/hooks/generic/{channel}", UriKind.Relative))
        {
            Content = JsonContent.Create(body),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "dev-webhook-token");
        return await http.SendAsync(request);
    }

    /// <summary>Posts and insists on 202; returns the event id.</summary>
    public static async Task<string> PostAcceptedAsync(HttpClient http, string channel, object body)
    {
        using var response = await PostAsync(http, channel, body);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return (string)(await response.Content.ReadFromJsonAsync<JsonObject>())!["id"]!;
    }
}
