using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Functions.Inbox;
using Serverless.Testing;

namespace Serverless.EndToEnd.Tests;

/// <summary>Every provider on the local default: its documented payload in, one channel notification out.</summary>
public sealed class ProvidersToChannelTests
{
    [Fact]
    public async Task Every_provider_reaches_the_session_with_kind_event_type_and_severity()
    {
        var providers = ProviderCase.All().ToList();
        var settings = providers.Select(p => p.Source).Distinct().ToDictionary(s => $"Sources:{s}:Secret", s => (string?)ProviderCase.SecretFor(s));
        await using var app = await RunningFunctionsApp.StartAsync(settings);
        using var http = app.CreateClient();
        await using var relay = await RelayProcess.StartAsync(app.BaseUrl, "providers", "dev-relay-token");
        await WebhookToChannelTests.WaitUntilConnectedAsync(relay);

        foreach (var provider in providers)
        {
            var body = provider.Body();
            var signed = provider.Sign(ProviderCase.SecretFor(provider.Source), body, DateTimeOffset.UtcNow, Guid.NewGuid().ToString());
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri($"/api/hooks/{provider.Source}/providers{signed.Query}", UriKind.Relative))
            {
                Content = new ByteArrayContent(body),
            };
            request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
            foreach (var (name, value) in signed.Headers)
            {
                request.Headers.TryAddWithoutValidation(name, value);
            }

            using var response = await http.SendAsync(request);
            Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"{provider}: {response.StatusCode}");
        }

        var inbox = app.Services.GetRequiredService<EmbeddedEventInbox>();
        var written = await relay.SettledAsync(providers.Count, () => Task.FromResult(inbox.Count("providers")), TimeSpan.FromSeconds(30));
        Assert.Equal(providers.Count, written.Distinct().Count());
        Assert.Equal(providers.Count, relay.Notifications.Count);
        foreach (var provider in providers)
        {
            Assert.Contains(relay.Notifications, n =>
                (string?)n["meta"]!["kind"] == provider.Source
                && (string?)n["meta"]!["event_type"] == provider.ExpectedEventType
                && (string?)n["meta"]!["severity"] == provider.ExpectedSeverity
                && ((string)n["content"]!).Contains(provider.SummaryContains, StringComparison.Ordinal));
        }

        Assert.All(relay.Notifications, n => Assert.DoesNotContain(
            n["meta"]!.AsObject(), m => ((string?)m.Value)?.Contains(ProviderCase.Marker, StringComparison.Ordinal) == true));
    }
}
