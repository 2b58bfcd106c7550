using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Serverless.Relay;
using Serverless.Relay.Channel;
using Serverless.Relay.Connection;
using Serverless.Relay.Delivery;
using Serverless.Relay.Playbooks;
using Serverless.Testing;

namespace Serverless.Tests.Functions.Hooks;

/// <summary>
/// <c>curl -d '{...}'</c> without <c>-H 'Content-Type: application/json'</c> declares
/// <c>application/x-www-form-urlencoded</c>, and many tools declare <c>text/plain</c>: a body that parses as
/// a JSON object is still read as JSON. Checked as the session sees it: the event the relay's own client takes
/// from the backlog, translated as the relay shows it, and matched by the owner's playbook.
/// </summary>
public sealed class JsonWithoutItsContentTypeTests : IAsyncLifetime
{
    private const string Playbook = """
        ## prod-alert
        when: kind=generic severity=critical trust=third_party
        do: Look at the alert and reply with what you found.
        """;

    private RunningFunctionsApp _app = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        _app = await RunningFunctionsApp.StartAsync();
        _http = _app.CreateClient();
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _app.DisposeAsync();
    }

    /// <summary>Posts as curl does: the body as typed, with the Content-Type curl or the tool declares.</summary>
    private async Task<HttpStatusCode> PostAsync(string channel, string body, string mediaType)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri($"/api/hooks/generic/{channel}", UriKind.Relative))
        {
            Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body)),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue(mediaType);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "dev-webhook-token");
        using var response = await _http.SendAsync(request);
        return response.StatusCode;
    }

    private async Task<ChannelNotification> ShownAsync(string channel)
    {
        var api = new RelayApiClient(_http, new RelaySettings { Url = _app.BaseUrl, Channel = channel, Token = "dev-relay-token", StateFile = Path.GetTempFileName() });
        return EventTranslator.Translate(Assert.Single((await api.ReceiveBacklogAsync(10, default)).Events));
    }

    [Theory]
    [InlineData("application/x-www-form-urlencoded")]
    [InlineData("text/plain")]
    public async Task A_json_object_sent_without_the_json_content_type_is_read_as_json_and_a_severity_rule_matches(string mediaType)
    {
        Assert.Equal(HttpStatusCode.Accepted, await PostAsync("ops", """ {"title": "Disk full on db-1", "severity": "critical", "env": "prod"}""", mediaType));

        var shown = await ShownAsync("ops");
        Assert.Equal("critical", shown.Meta["severity"]);
        Assert.Equal("Webhook (webhook) on channel ops:\nDisk full on db-1\nseverity: critical\nenv: prod", shown.Content);
        Assert.Equal("prod-alert", PlaybookParser.Parse(Playbook, "/p/.claude/channel-playbook.md").Match(shown.Meta)?.Name);
    }

    [Theory]
    [InlineData("a=1&b=2", "application/x-www-form-urlencoded")]
    [InlineData("{disk full on db-1}", "text/plain")]
    [InlineData("[\"not\", \"an object\"]", "text/plain")]
    public async Task Text_that_is_not_a_json_object_stays_text(string body, string mediaType)
    {
        Assert.Equal(HttpStatusCode.Accepted, await PostAsync("ops", body, mediaType));

        var shown = await ShownAsync("ops");
        Assert.Equal("info", shown.Meta["severity"]);
        Assert.Equal($"Webhook (webhook) on channel ops:\n{body}", shown.Content);
    }
}
