using Microsoft.Extensions.Http.Logging;

namespace Serverless.Functions.Telemetry;

/// <summary>
/// Keeps secrets out of the two framework logs that print whole URLs, whatever level a setting asks for: outgoing
/// calls (the Telegram bot token is in every Bot API path, a Slack response_url ends in a secret) are logged by
/// <see cref="OutgoingCallLogger"/> instead of HttpClientFactory's loggers, and ASP.NET Core's per-request log
/// (which prints <c>?code=</c> function keys) stays off for every logging provider.
/// </summary>
public static class QuietHttpLogs
{
    /// <summary>ASP.NET Core's "Request starting ... {Path}{QueryString}" category.</summary>
    public const string RequestLogCategory = "Microsoft.AspNetCore.Hosting.Diagnostics";

    public static IServiceCollection AddQuietHttpLogs(this IServiceCollection services)
    {
        // Every HttpClient of the app, named or typed, now and later.
        services.ConfigureHttpClientDefaults(http => http.RemoveAllLoggers().AddLogger<OutgoingCallLogger>());
        services.AddSingleton<OutgoingCallLogger>();
        // After every other filter setting: a rule for one provider beats any rule for all of them, so the category
        // is turned off for each provider a setting names, as well as for the rest.
        services.PostConfigure<LoggerFilterOptions>(options =>
        {
            foreach (var provider in options.Rules.Select(r => r.ProviderName).Distinct().ToList())
            {
                options.Rules.Add(new LoggerFilterRule(provider, RequestLogCategory, LogLevel.None, filter: null));
            }
        });
        return services;
    }
}

/// <summary>
/// One line per outgoing call, at Debug: the client's name, the method, the host and the answer, never the path or
/// the query, where the Bot API keeps its token and a response_url its secret.
/// </summary>
public sealed partial class OutgoingCallLogger(ILogger<OutgoingCallLogger> logger) : IHttpClientLogger
{
    public object? LogRequestStart(HttpRequestMessage request) => null;

    public void LogRequestStop(object? context, HttpRequestMessage request, HttpResponseMessage response, TimeSpan elapsed)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(response);
        if (!logger.IsEnabled(LogLevel.Debug))
        {
            return;
        }

        LogCall(request.Method.Method, request.RequestUri?.Host ?? "?", (int)response.StatusCode, elapsed.TotalMilliseconds);
    }

    public void LogRequestFailed(object? context, HttpRequestMessage request, HttpResponseMessage? response, Exception exception, TimeSpan elapsed)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(exception);
        if (!logger.IsEnabled(LogLevel.Debug))
        {
            return;
        }

        // The exception's type only: a message may quote the URL it failed on.
        var kind = exception.GetType().Name;
        LogFailed(request.Method.Method, request.RequestUri?.Host ?? "?", kind, elapsed.TotalMilliseconds);
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "HTTP {Method} to {Host} answered {Status} after {Milliseconds:0} ms")]
    private partial void LogCall(string method, string host, int status, double milliseconds);

    [LoggerMessage(Level = LogLevel.Debug, Message = "HTTP {Method} to {Host} failed ({Exception}) after {Milliseconds:0} ms")]
    private partial void LogFailed(string method, string host, string exception, double milliseconds);
}
