using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Functions.WebPubSub.Embedded;
using Serverless.Testing;

namespace Serverless.EndToEnd.Tests;

/// <summary>
/// The local default's embedded Web PubSub endpoint driven by Microsoft's own SDKs (@azure/web-pubsub-client
/// with its reliable protocol and sequence acks, and @azure/web-pubsub's REST client), not by this
/// project's relay or test sockets: the frames the app writes must be the ones the service writes.
/// </summary>
public sealed class WebPubSubSdkTests(LocalDefaultApp local) : IClassFixture<LocalDefaultApp>
{
    private static readonly string SdkDirectory = Path.Combine(Repository.Root, "tests", "web-pubsub");

    private sealed class NodeProcess : IAsyncDisposable
    {
        private readonly Process _process;

        public NodeProcess(params string[] arguments)
        {
            var start = new ProcessStartInfo("node") { WorkingDirectory = SdkDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
            start.ArgumentList.Add("sdk.mjs");
            foreach (var argument in arguments)
            {
                start.ArgumentList.Add(argument);
            }

            _process = Process.Start(start)!;
            _process.OutputDataReceived += (_, e) =>
            {
                if (!string.IsNullOrEmpty(e.Data))
                {
                    Lines.Enqueue((JsonObject)JsonNode.Parse(e.Data)!);
                }
            };
            _process.ErrorDataReceived += (_, e) => Errors.Enqueue(e.Data ?? string.Empty);
            _process.BeginOutputReadLine();
            _process.BeginErrorReadLine();
        }

        public ConcurrentQueue<JsonObject> Lines { get; } = new();

        public ConcurrentQueue<string> Errors { get; } = new();

        public async Task<int> ExitAsync()
        {
            await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
            return _process.ExitCode;
        }

        public async ValueTask DisposeAsync()
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }

            _process.Dispose();
        }
    }

    private async Task<string> ClientAccessUrlAsync(string channel)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri($"/api/relay/negotiate?channel={channel}", UriKind.Relative));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "dev-relay-token");
        using var response = await local.Http.SendAsync(request);
        response.EnsureSuccessStatusCode();
        return (string)(await response.Content.ReadFromJsonAsync<JsonObject>())!["url"]!;
    }

    [Fact]
    public async Task Microsofts_client_receives_the_apps_doorbells_and_a_rest_send_by_microsofts_server_sdk_in_order()
    {
        await using var listener = new NodeProcess("listen", await ClientAccessUrlAsync("sdk"));
        Assert.True(
            await RelayProcess.EventuallyAsync(() => listener.Lines.Any(l => l["connected"] is not null), TimeSpan.FromSeconds(30)),
            "the SDK client did not connect: " + string.Join('\n', listener.Errors));

        // Doorbells rung in-process by accepted webhooks.
        var ids = new List<string>();
        for (var n = 1; n <= 3; n++)
        {
            ids.Add(await Webhook.PostAcceptedAsync(local.Http, "sdk", new { title = $"webhook {n} ü <b>" }));
        }

        // A send through the REST API, by Microsoft's server SDK with the embedded connection string.
        var connectionString = $"Endpoint={local.BaseUrl.GetLeftPart(UriPartial.Authority)};AccessKey={local.App.Services.GetRequiredService<EmbeddedAccessKey>().Value};Version=1.0;";
        await using (var sender = new NodeProcess("send", connectionString, "channels", "sdk", """{"type":"note","n":4}"""))
        {
            Assert.True(await sender.ExitAsync() == 0, string.Join('\n', sender.Errors));
        }

        Assert.True(
            await RelayProcess.EventuallyAsync(() => listener.Lines.Count(l => l["group"] is not null) >= 4, TimeSpan.FromSeconds(30)),
            "the SDK client did not receive four group messages: " + string.Join('\n', listener.Lines.Select(l => l.ToJsonString())));
        var messages = listener.Lines.Where(l => l["group"] is not null).ToList();

        Assert.All(messages, m => Assert.Equal("sdk", (string?)m["group"]));
        Assert.All(messages, m => Assert.Equal("json", (string?)m["dataType"]));
        Assert.Equal([1UL, 2UL, 3UL, 4UL], messages.Select(m => m["sequenceId"]!.GetValue<ulong>()));
        Assert.Equal(ids, messages.Take(3).Select(m => (string?)m["data"]!["event"]!["id"]));
        Assert.All(messages.Take(3), m => Assert.Equal("event", (string?)m["data"]!["type"]));
        Assert.Contains("webhook 1 ü <b>", (string?)messages[0]["data"]!["event"]!["summary"], StringComparison.Ordinal);
        Assert.Equal(4, (int?)messages[3]["data"]!["n"]);
    }
}
