using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace Serverless.Testing;

/// <summary>
/// Requests as Slack sends them, signed the way Slack documents
/// (https://api.slack.com/authentication/verifying-requests-from-slack): <c>X-Slack-Signature</c> is <c>v0=</c>
/// and the hex HMAC-SHA256 of <c>v0:{timestamp}:{body}</c> keyed with the signing secret. Computed here,
/// independently of the app's code.
/// </summary>
public static class SlackRequests
{
    public static string Sign(string secret, string timestamp, byte[] body)
    {
        var basestring = Encoding.UTF8.GetBytes($"v0:{timestamp}:").Concat(body).ToArray();
        return "v0=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), basestring));
    }

    /// <summary>An Events API delivery (JSON), signed at <paramref name="at"/>.</summary>
    public static HttpRequestMessage Event(JsonObject envelope, string secret, DateTimeOffset at, int? retry = null) =>
        SignedPost("/api/slack/events", Encoding.UTF8.GetBytes(envelope.ToJsonString()), "application/json", secret, at, retry);

    /// <summary>An interaction (form-encoded <c>payload=</c> JSON), signed at <paramref name="at"/>.</summary>
    public static HttpRequestMessage Interaction(JsonObject payload, string secret, DateTimeOffset at) =>
        SignedPost("/api/slack/interactivity", Encoding.UTF8.GetBytes("payload=" + Uri.EscapeDataString(payload.ToJsonString())), "application/x-www-form-urlencoded", secret, at, null);

    public static HttpRequestMessage SignedPost(string path, byte[] body, string contentType, string secret, DateTimeOffset at, int? retry)
    {
        var timestamp = at.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var request = new HttpRequestMessage(HttpMethod.Post, new Uri(path, UriKind.Relative)) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        request.Headers.Add("X-Slack-Request-Timestamp", timestamp);
        request.Headers.Add("X-Slack-Signature", Sign(secret, timestamp, body));
        if (retry is { } attempt)
        {
            request.Headers.Add("X-Slack-Retry-Num", attempt.ToString(CultureInfo.InvariantCulture));
            request.Headers.Add("X-Slack-Retry-Reason", "http_timeout");
        }

        return request;
    }

    /// <summary>An <c>event_callback</c> envelope around one event, naming the bot as its installation does.</summary>
    public static JsonObject Envelope(JsonObject message, string eventId, string botUserId = FakeSlackApi.BotUserId) => new()
    {
        ["token"] = "legacy-verification-token",
        ["team_id"] = "T0001",
        ["api_app_id"] = "A0001",
        ["type"] = "event_callback",
        ["event_id"] = eventId,
        ["event_time"] = 1_700_000_000,
        ["authorizations"] = new JsonArray(new JsonObject { ["team_id"] = "T0001", ["user_id"] = botUserId, ["is_bot"] = true }),
        ["event"] = message,
    };

    public static JsonObject DirectMessage(string user, string text, string ts, string channel = "D0DM0001") => new()
    {
        ["type"] = "message",
        ["channel"] = channel,
        ["channel_type"] = "im",
        ["user"] = user,
        ["text"] = text,
        ["ts"] = ts,
        ["event_ts"] = ts,
    };

    public static JsonObject Mention(string user, string text, string ts, string channel = "C0TEAM01") => new()
    {
        ["type"] = "app_mention",
        ["channel"] = channel,
        ["user"] = user,
        ["text"] = text,
        ["ts"] = ts,
        ["event_ts"] = ts,
    };

    /// <summary>A <c>block_actions</c> payload: <paramref name="user"/> pressed the button carrying <paramref name="value"/>.</summary>
    public static JsonObject ButtonPress(string user, string value, Uri responseUrl, string channel = "D0DM0001", string messageTs = "1700000000.000101") => new()
    {
        ["type"] = "block_actions",
        ["user"] = new JsonObject { ["id"] = user, ["username"] = user.ToLowerInvariant(), ["name"] = user.ToLowerInvariant(), ["team_id"] = "T0001" },
        ["api_app_id"] = "A0001",
        ["token"] = "legacy-verification-token",
        ["container"] = new JsonObject { ["type"] = "message", ["message_ts"] = messageTs, ["channel_id"] = channel, ["is_ephemeral"] = false },
        ["trigger_id"] = "123.456.abc",
        ["team"] = new JsonObject { ["id"] = "T0001", ["domain"] = "example" },
        ["channel"] = new JsonObject { ["id"] = channel, ["name"] = "directmessage" },
        ["response_url"] = responseUrl.ToString(),
        ["actions"] = new JsonArray(new JsonObject
        {
            ["action_id"] = value,
            ["block_id"] = "b1",
            ["text"] = new JsonObject { ["type"] = "plain_text", ["text"] = "Allow", ["emoji"] = true },
            ["value"] = value,
            ["type"] = "button",
            ["action_ts"] = "1700000001.000000",
        }),
    };
}
