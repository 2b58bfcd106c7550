using System.Collections.Concurrent;
using System.Net;
using System.Text;
using Azure.Core;
using Azure.Core.Pipeline;
using Serverless.Functions.Inbox;
using Serverless.Functions.WebPubSub;

namespace Serverless.Tests.Functions.Identity;

/// <summary>
/// The managed-identity paths the deployment uses, which cannot reach Azure from here: the clients run
/// against a transport that records each request (URL, api-version, Authorization) and answers as the
/// service documents, and a credential that hands out a known token for the scope it was asked for.
/// </summary>
public sealed class IdentityPathTests
{
    private sealed record Recorded(string Method, Uri Uri, string? Authorization, string? Version, string Body);

    private sealed class RecordingHandler(Func<HttpRequestMessage, HttpResponseMessage> answer) : HttpMessageHandler
    {
        public ConcurrentQueue<Recorded> Requests { get; } = new();

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Requests.Enqueue(new Recorded(
                request.Method.Method,
                request.RequestUri!,
                request.Headers.Authorization?.ToString(),
                request.Headers.TryGetValues("x-ms-version", out var versions) ? versions.First() : null,
                request.Content is null ? string.Empty : await request.Content.ReadAsStringAsync(cancellationToken)));
            return answer(request);
        }
    }

    private sealed class KnownTokenCredential : TokenCredential
    {
        public ConcurrentQueue<string> Scopes { get; } = new();

        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken)
        {
            foreach (var scope in requestContext.Scopes)
            {
                Scopes.Enqueue(scope);
            }

            return new AccessToken("entra-token-for-tests", DateTimeOffset.UtcNow.AddHours(1));
        }

        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            ValueTask.FromResult(GetToken(requestContext, cancellationToken));
    }

    private static HttpResponseMessage Json(HttpStatusCode status, string json) =>
        new(status) { Content = new StringContent(json, Encoding.UTF8, "application/json") };

    [Fact]
    public async Task Web_pubsub_with_entra_sends_with_a_bearer_token_and_has_the_service_issue_client_tokens()
    {
        using var handler = new RecordingHandler(request => request.RequestUri!.AbsolutePath.EndsWith(":generateToken", StringComparison.Ordinal)
            ? Json(HttpStatusCode.OK, """{"token":"service-issued-client-token"}""")
            : new HttpResponseMessage(HttpStatusCode.Accepted));
        var credential = new KnownTokenCredential();
        var options = new WebPubSubClientOptions { Transport = new HttpClientTransport(new HttpClient(handler)) };
        var service = new WebPubSubService(
            WebPubSubConnection.WithCredential(new Uri("https://demo.webpubsub.azure.com"), "channels", credential), TimeProvider.System, options);

        await service.SendToGroupAsync("ops", BinaryData.FromString("""{"type":"event"}"""), default);
        var url = await service.GetClientAccessUriAsync("relay-ops", ["ops"], TimeSpan.FromMinutes(60), null, default);

        var requests = handler.Requests.ToList();
        Assert.Equal(2, requests.Count);
        Assert.Equal("POST", requests[0].Method);
        Assert.Equal("https://demo.webpubsub.azure.com/api/hubs/channels/groups/ops/:send?api-version=2024-01-01", requests[0].Uri.AbsoluteUri);
        Assert.Equal("""{"type":"event"}""", requests[0].Body);
        Assert.Equal("POST", requests[1].Method);
        Assert.Equal("/api/hubs/channels/:generateToken", requests[1].Uri.AbsolutePath);
        var query = System.Web.HttpUtility.ParseQueryString(requests[1].Uri.Query);
        Assert.Equal(("relay-ops", "ops", "60", "2024-01-01"), (query["userId"], query["group"], query["minutesToExpire"], query["api-version"]));
        Assert.All(requests, r => Assert.Equal("Bearer entra-token-for-tests", r.Authorization));
        Assert.Equal("https://webpubsub.azure.com/.default", Assert.Single(credential.Scopes.Distinct()));
        Assert.Equal("wss://demo.webpubsub.azure.com/client/hubs/channels?access_token=service-issued-client-token", url.AbsoluteUri);
    }

    [Fact]
    public async Task Storage_by_service_uri_uses_the_identity_on_the_queue_blob_and_table_endpoints()
    {
        using var handler = new RecordingHandler(request => request.Method == HttpMethod.Post && request.RequestUri!.AbsolutePath.EndsWith("/messages", StringComparison.Ordinal)
            ? new HttpResponseMessage(HttpStatusCode.Created)
            {
                Content = new StringContent(
                    "<?xml version=\"1.0\" encoding=\"utf-8\"?><QueueMessagesList><QueueMessage><MessageId>m1</MessageId><InsertionTime>Wed, 25 Nov 2026 18:00:00 GMT</InsertionTime><ExpirationTime>Fri, 31 Dec 9999 23:59:59 GMT</ExpirationTime><PopReceipt>p1</PopReceipt><TimeNextVisible>Wed, 25 Nov 2026 18:00:00 GMT</TimeNextVisible></QueueMessage></QueueMessagesList>",
                    Encoding.UTF8,
                    "application/xml"),
            }
            : request.RequestUri!.Host.Contains(".table.", StringComparison.Ordinal)
                ? Json(HttpStatusCode.OK, """{"value":[]}""")
                : new HttpResponseMessage(HttpStatusCode.Created));
        var credential = new KnownTokenCredential();
        var transport = new HttpClientTransport(new HttpClient(handler));
        var options = new StorageOptions { ServiceUri = new Uri("https://acct.queue.core.windows.net") };

        var (queues, blobs) = StorageClients.Create(options, credential, transport);
        var table = StorageClients.CreateTable(options, "telegram", credential, transport);
        await queues.GetQueueClient("ch-ops").SendMessageAsync("hello");
        await blobs.GetBlobContainerClient("event-payloads").GetBlobClient("ops/e1.json").UploadAsync(BinaryData.FromString("{}"));
        await foreach (var _ in table.QueryAsync<Azure.Data.Tables.TableEntity>(e => e.PartitionKey == "allow"))
        {
        }

        var requests = handler.Requests.ToList();
        Assert.Contains(requests, r => r.Uri.AbsoluteUri.StartsWith("https://acct.queue.core.windows.net/ch-ops/messages", StringComparison.Ordinal));
        Assert.Contains(requests, r => r.Uri.AbsoluteUri.StartsWith("https://acct.blob.core.windows.net/event-payloads/ops/e1.json", StringComparison.Ordinal));
        Assert.Contains(requests, r => r.Uri.AbsoluteUri.StartsWith("https://acct.table.core.windows.net/telegram()", StringComparison.Ordinal));
        Assert.All(requests, r => Assert.Equal("Bearer entra-token-for-tests", r.Authorization));
        Assert.All(requests, r => Assert.False(string.IsNullOrEmpty(r.Version), $"no x-ms-version on {r.Uri}"));
        Assert.Equal("https://storage.azure.com/.default", Assert.Single(credential.Scopes.Distinct()));
        // The message is base64, as the inbox reads it back.
        Assert.Contains(Convert.ToBase64String("hello"u8.ToArray()), requests.First(r => r.Uri.AbsolutePath == "/ch-ops/messages").Body, StringComparison.Ordinal);
    }
}
