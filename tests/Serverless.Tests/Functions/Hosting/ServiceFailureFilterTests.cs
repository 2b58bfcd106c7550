using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Moq;
using Serverless.Functions.Inbox;
using Serverless.Testing;

namespace Serverless.Tests.Functions.Hosting;

/// <summary>One exception handler for every route: backing-service failures are answers, bugs stay 500s.</summary>
public class ServiceFailureFilterTests
{
    private static async Task<HttpResponseMessage> BacklogWhenTheInboxThrowsAsync(Exception failure)
    {
        var inbox = new Mock<IEventInbox>();
        inbox.Setup(i => i.ReceiveAsync(It.IsAny<string>(), It.IsAny<int>(), It.IsAny<TimeSpan>(), It.IsAny<CancellationToken>())).ThrowsAsync(failure);
        await using var app = await RunningFunctionsApp.StartAsync(services: s => s.AddSingleton(inbox.Object));
        using var client = app.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/api/relay/backlog", UriKind.Relative))
        {
            Content = JsonContent.Create(new { channel = "default" }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "dev-relay-token");
        var response = await client.SendAsync(request);
        await response.Content.LoadIntoBufferAsync();
        return response;
    }

    [Fact]
    public async Task A_storage_failure_is_a_503_problem_with_a_message_the_relay_can_show()
    {
        using var response = await BacklogWhenTheInboxThrowsAsync(new Azure.RequestFailedException(500, "The server is busy."));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal(503, (int?)problem["status"]);
        Assert.Contains("retry later", (string?)problem["detail"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Storage_that_failed_every_retry_is_a_503_too()
    {
        using var response = await BacklogWhenTheInboxThrowsAsync(new AggregateException(
            "Retry failed after 3 tries.", new Azure.RequestFailedException("connection refused"), new Azure.RequestFailedException("connection refused")));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(5), response.Headers.RetryAfter?.Delta);
    }

    [Fact]
    public async Task An_unexpected_exception_is_not_dressed_up_as_an_outage()
    {
        using var response = await BacklogWhenTheInboxThrowsAsync(new InvalidOperationException("a bug"));

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.DoesNotContain("a bug", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_full_in_memory_inbox_is_a_503_with_retry_after_that_says_what_to_do()
    {
        await using var app = await RunningFunctionsApp.StartAsync(new Dictionary<string, string?> { ["Inbox:MaxEmbeddedEvents"] = "1" });
        using var client = app.CreateClient();

        using var first = await Webhook.PostAsync(client, "ops", new { title = "fits" });
        using var second = await Webhook.PostAsync(client, "ops", new { title = "does not fit" });

        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, second.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(5), second.Headers.RetryAfter?.Delta);
        Assert.Contains("in-memory inbox is full", (string?)JsonNode.Parse(await second.Content.ReadAsStringAsync())!["detail"], StringComparison.Ordinal);
    }
}
