using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using Serverless.Functions.Chat;

namespace Serverless.Functions.Chat.Slack;

/// <summary>
/// The Web API methods this app uses, with the bot token as a Bearer header (never in a URL). Slack answers
/// 200 with <c>"ok": false</c> and an error code when it refuses a call, which becomes a
/// <see cref="ChatApiException"/>; a 429 is waited out for its <c>Retry-After</c> seconds and retried.
/// </summary>
public sealed partial class SlackWebApi(HttpClient http, IOptions<SlackOptions> options, TimeProvider timeProvider, ILogger<SlackWebApi> logger)
{
    private const int MaxAttempts = 4;
    private static readonly TimeSpan MaxRetryAfter = TimeSpan.FromSeconds(30);

    /// <summary><c>chat.postMessage</c>; returns Slack's answer (<c>channel</c>, <c>ts</c>).</summary>
    public Task<JsonObject> PostMessageAsync(JsonObject message, CancellationToken cancellationToken) =>
        CallAsync("chat.postMessage", message, cancellationToken);

    /// <summary><c>chat.update</c>: the message's text and blocks are replaced by these.</summary>
    public Task<JsonObject> UpdateAsync(JsonObject message, CancellationToken cancellationToken) =>
        CallAsync("chat.update", message, cancellationToken);

    /// <summary><c>reactions.add</c>; a reaction the bot already put there counts as done.</summary>
    public async Task AddReactionAsync(string channel, string timestamp, string name, CancellationToken cancellationToken)
    {
        try
        {
            await CallAsync("reactions.add", new JsonObject { ["channel"] = channel, ["timestamp"] = timestamp, ["name"] = name }, cancellationToken);
        }
        catch (SlackApiException ex) when (ex.Error == "already_reacted")
        {
        }
    }

    /// <summary><c>auth.test</c>: the bot's own user id.</summary>
    public async Task<string?> BotUserIdAsync(CancellationToken cancellationToken) =>
        (string?)(await CallAsync("auth.test", [], cancellationToken))["user_id"];

    /// <summary>
    /// Posts to a <c>response_url</c> from an interaction payload (an ephemeral answer to the presser). Only
    /// Slack's own hooks host is accepted (see <see cref="IsResponseUrl"/>); the URL itself is the credential.
    /// </summary>
    public async Task RespondAsync(Uri responseUrl, JsonObject answer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(responseUrl);
        if (!IsResponseUrl(responseUrl, options.Value.ApiBaseUrl))
        {
            throw new ChatApiException("The interaction's response_url is not a Slack hooks URL.");
        }

        await SendAsync("response_url", responseUrl, answer, bearer: false, cancellationToken);
    }

    /// <summary>
    /// Slack gives <c>https://hooks.slack.com/...</c>; a signed payload is still not a reason to post to any
    /// other host. With <c>Slack:ApiBaseUrl</c> pointed elsewhere (a test's fake), that host is accepted too.
    /// </summary>
    public static bool IsResponseUrl(Uri url, Uri apiBaseUrl)
    {
        ArgumentNullException.ThrowIfNull(url);
        ArgumentNullException.ThrowIfNull(apiBaseUrl);
        if (!url.IsAbsoluteUri || !string.IsNullOrEmpty(url.UserInfo))
        {
            return false;
        }

        if (url.Scheme == Uri.UriSchemeHttps && url.IsDefaultPort && url.Host == "hooks.slack.com")
        {
            return true;
        }

        return apiBaseUrl.Host != "slack.com"
            && url.Scheme == apiBaseUrl.Scheme && url.Host == apiBaseUrl.Host && url.Port == apiBaseUrl.Port;
    }

    private Task<JsonObject> CallAsync(string method, JsonObject body, CancellationToken cancellationToken)
    {
        var baseUrl = options.Value.ApiBaseUrl.AbsoluteUri;
        return SendAsync(method, new Uri((baseUrl.EndsWith('/') ? baseUrl : baseUrl + "/") + method), body, bearer: true, cancellationToken);
    }

    private async Task<JsonObject> SendAsync(string method, Uri url, JsonObject body, bool bearer, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = JsonContent.Create(body) };
            // Slack warns (missing_charset) about JSON without an explicit charset.
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
            if (bearer)
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", options.Value.BotToken);
            }

            using var response = await http.SendAsync(request, cancellationToken);
            if (response.StatusCode == HttpStatusCode.TooManyRequests && attempt < MaxAttempts)
            {
                var retryAfter = response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(1);
                retryAfter = retryAfter > MaxRetryAfter ? MaxRetryAfter : retryAfter;
                LogRateLimited(method, retryAfter.TotalSeconds, attempt);
                await Task.Delay(retryAfter, timeProvider, cancellationToken);
                continue;
            }

            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            JsonObject? answer;
            try
            {
                answer = text.Length == 0 ? null : JsonNode.Parse(text) as JsonObject;
            }
            catch (System.Text.Json.JsonException)
            {
                // A response_url answers "ok" as text; anything else not JSON is a proxy's page.
                answer = null;
            }

            if (!response.IsSuccessStatusCode)
            {
                throw new SlackApiException($"Slack {method} failed: HTTP {(int)response.StatusCode} {(string?)answer?["error"] ?? response.ReasonPhrase}")
                {
                    Error = (string?)answer?["error"] ?? ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture),
                };
            }

            if (answer is null)
            {
                return bearer ? throw new SlackApiException($"Slack {method} answered something that is not JSON.") { Error = "not_json" } : [];
            }

            if (answer["ok"] is JsonValue ok && ok.TryGetValue<bool>(out var isOk) && !isOk)
            {
                var error = (string?)answer["error"] ?? "unknown_error";
                // Slack explains refused blocks in response_metadata.messages ("[ERROR] must be less than 3001 characters ...").
                var detail = answer["response_metadata"]?["messages"] is JsonArray { Count: > 0 } messages ? $" ({(string?)messages[0]})" : string.Empty;
                throw new SlackApiException($"Slack {method} failed: {error}{detail}") { Error = error };
            }

            return answer;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Slack rate-limited {Method}; retrying in {Seconds} s (attempt {Attempt})")]
    private partial void LogRateLimited(string method, double seconds, int attempt);
}

/// <summary>Slack refused a Web API call: <see cref="Error"/> is its error code (<c>channel_not_found</c>, <c>invalid_blocks</c>).</summary>
public sealed class SlackApiException : ChatApiException
{
    public SlackApiException()
    {
    }

    public SlackApiException(string message)
        : base(message)
    {
    }

    public SlackApiException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public string Error { get; init; } = string.Empty;
}
