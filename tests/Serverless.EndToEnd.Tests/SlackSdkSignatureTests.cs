using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Serverless.Testing;

namespace Serverless.EndToEnd.Tests;

/// <summary>
/// The app's Slack signature check against Slack's own: each request goes both to the running app and to
/// <c>verifySlackRequest</c> of Slack's Bolt SDK (tests/slack-sdk), and the two must agree, so the check is
/// proven against the real scheme and not only against this project's test signer.
/// </summary>
public sealed class SlackSdkSignatureTests : IAsyncLifetime
{
    private const string Secret = "slack-sdk-signing-secret-0123456789";
    private static readonly string SdkDirectory = Path.Combine(Repository.Root, "tests", "slack-sdk");
    private FakeSlackApi _slack = null!;
    private RunningFunctionsApp _app = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        _slack = await FakeSlackApi.StartAsync("xoxb-slack-sdk-tests");
        _app = await RunningFunctionsApp.StartAsync(_slack.AppSettings(Secret, "slack-sdk-tests-relay-token", "U0OWNER1"));
        _http = _app.CreateClient();
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _app.DisposeAsync();
        await _slack.DisposeAsync();
    }

    [Theory]
    [InlineData(null, true)]
    [InlineData("body", false)]
    [InlineData("signature", false)]
    [InlineData("secret", false)]
    public async Task The_app_and_Slacks_own_sdk_agree_on_which_requests_Slack_signed(string? changed, bool valid)
    {
        // url_verification is what Slack sends first; the app answers its challenge only to a request Slack signed.
        var body = Encoding.UTF8.GetBytes("""{"token":"x","challenge":"c3a1f0","type":"url_verification"}""");
        var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var signature = SlackRequests.Sign(changed == "secret" ? "another-signing-secret-0123456789" : Secret, timestamp, body);
        if (changed == "signature")
        {
            signature = signature[..^1] + (signature[^1] == '0' ? '1' : '0');
        }

        if (changed == "body")
        {
            body[^2] ^= 1;
        }

        var sdk = await SdkVerifiesAsync(timestamp, signature, Encoding.UTF8.GetString(body));
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/api/slack/events", UriKind.Relative)) { Content = new ByteArrayContent(body) };
        request.Headers.Add("X-Slack-Request-Timestamp", timestamp);
        request.Headers.Add("X-Slack-Signature", signature);
        using var response = await _http.SendAsync(request);

        Assert.Equal(valid, (bool)sdk["valid"]!);
        Assert.Equal(valid ? HttpStatusCode.OK : HttpStatusCode.Unauthorized, response.StatusCode);
    }

    private static async Task<JsonObject> SdkVerifiesAsync(string timestamp, string signature, string body)
    {
        var start = new ProcessStartInfo("node") { WorkingDirectory = SdkDirectory, RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("verify.mjs");
        using var process = Process.Start(start)!;
        await process.StandardInput.WriteAsync(new JsonObject { ["signingSecret"] = Secret, ["timestamp"] = timestamp, ["signature"] = signature, ["body"] = body }.ToJsonString());
        process.StandardInput.Close();
        var output = await process.StandardOutput.ReadToEndAsync();
        var errors = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        Assert.True(process.ExitCode == 0, errors);
        return (JsonObject)JsonNode.Parse(output)!;
    }
}
