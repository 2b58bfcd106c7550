using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Net.Http.Headers;

namespace Serverless.Functions.Security;

/// <summary>
/// On the local default, refuses WebSockets and state-changing requests that a web page sent: a browser
/// names the page's <c>Origin</c>, and no webhook sender, relay or curl does. Without it any page open on
/// the developer's machine could read or write channel traffic on localhost (CORS does not stop a simple
/// POST, and WebSockets have no CORS at all).
/// </summary>
public sealed partial class LocalOriginGuard(RequestDelegate next, ILogger<LocalOriginGuard> logger)
{
    // Not async: every request passes through, and most only go on to the next step.
    public Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var request = context.Request;
        var origin = request.Headers[HeaderNames.Origin].ToString();
        var changesState = context.WebSockets.IsWebSocketRequest || !(HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method) || HttpMethods.IsOptions(request.Method));
        if (origin.Length > 0 && changesState && !IsSameOrigin(origin, request))
        {
            LogRefused(origin, request.Path);
            return Results.Problem(
                title: "Foreign origin",
                detail: "Requests from web pages of other origins are refused on the local default.",
                statusCode: StatusCodes.Status403Forbidden).ExecuteAsync(context);
        }

        return next(context);
    }

    private static bool IsSameOrigin(string origin, HttpRequest request) =>
        Uri.TryCreate(origin, UriKind.Absolute, out var uri)
        && string.Equals(uri.Scheme, request.Scheme, StringComparison.OrdinalIgnoreCase)
        && string.Equals(uri.Authority, request.Host.Value, StringComparison.OrdinalIgnoreCase);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused a request to {Path} from a web page of origin {Origin}")]
    private partial void LogRefused(string origin, string path);
}
