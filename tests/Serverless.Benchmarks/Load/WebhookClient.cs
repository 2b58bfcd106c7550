using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Serverless.Benchmarks.Load;

/// <summary>
/// Posts generic webhooks (<c>Authorization: Bearer dev-webhook-token</c>, a small JSON body unique per
/// request) over keep-alive HTTP/1.1 connections to 127.0.0.1, and reads the event id of a 202.
/// </summary>
internal sealed class WebhookClient : IDisposable
{
    private static readonly MediaTypeHeaderValue Json = new("application/json");
    private static readonly AuthenticationHeaderValue Bearer = new("Bearer", Processes.Servers.WebhookToken);
    private readonly HttpClient _http;
    private readonly Uri _url;

    public WebhookClient(Uri url, int maxConnections)
    {
        _url = url;
        if (!url.IsLoopback)
        {
            throw new ArgumentException("The harness only ever sends to loopback addresses.", nameof(url));
        }

        _http = new HttpClient(new SocketsHttpHandler
        {
            MaxConnectionsPerServer = maxConnections,
            UseProxy = false,
            UseCookies = false,
            AllowAutoRedirect = false,
            ConnectTimeout = TimeSpan.FromSeconds(5),
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
        })
        {
            Timeout = TimeSpan.FromSeconds(30),
        };
    }

    /// <summary>About 150 bytes, like a small alert: a title, a few fields, a sequence number.</summary>
    public static byte[] Body(long sequence) => Encoding.UTF8.GetBytes(
        $$"""{"title":"bench event {{sequence.ToString(CultureInfo.InvariantCulture)}}","severity":"info","service":"bench","env":"loopback","seq":{{sequence.ToString(CultureInfo.InvariantCulture)}}}""");

    /// <summary>The status code (0 when the request failed) and, for a 202 with a body, its event id.</summary>
    public async Task<(int Status, string? EventId)> PostAsync(long sequence)
    {
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, _url) { Content = new ByteArrayContent(Body(sequence)) };
            request.Content.Headers.ContentType = Json;
            request.Headers.Authorization = Bearer;
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead);
            var status = (int)response.StatusCode;
            if (status != 202)
            {
                return (status, null);
            }

            var body = await response.Content.ReadAsByteArrayAsync();
            return (status, body.Length == 0 ? null : IdOf(body));
        }
        catch (HttpRequestException)
        {
            return (0, null);
        }
        catch (TaskCanceledException)
        {
            return (0, null);
        }
    }

    private static string? IdOf(byte[] body)
    {
        var reader = new Utf8JsonReader(body);
        while (reader.Read())
        {
            if (reader.TokenType == JsonTokenType.PropertyName && reader.ValueTextEquals("id"u8) && reader.Read())
            {
                return reader.GetString();
            }
        }

        return null;
    }

    public void Dispose() => _http.Dispose();
}
