using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Moq;
using Serverless.Functions.Events;
using Serverless.Functions.Inbox;
using Serverless.Functions.Publishing;
using Serverless.Testing;

namespace Serverless.Tests.Functions.Hooks;

public class StorageFailureTests
{
    [Fact]
    public async Task When_the_inbox_fails_the_webhook_gets_503_and_nothing_is_published()
    {
        var inbox = new Mock<IEventInbox>();
        inbox.Setup(i => i.StoreAsync(It.IsAny<ChannelEvent>(), It.IsAny<CancellationToken>())).ThrowsAsync(new IOException("storage down"));
        var publisher = new Mock<IEventPublisher>();
        await using var app = await RunningFunctionsApp.StartAsync(services: s =>
        {
            s.AddSingleton(inbox.Object);
            s.AddSingleton(publisher.Object);
        });
        using var client = app.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/api/hooks/generic/ops", UriKind.Relative))
        {
            Content = JsonContent.Create(new { title = "x" }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "dev-webhook-token");

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        publisher.VerifyNoOtherCalls();
    }
}
