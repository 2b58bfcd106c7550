using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Template;
using Yarp.ReverseProxy.Forwarder;

namespace Serverless.EndToEnd.Tests.FunctionsHost;

/// <summary>
/// The Functions host's public HTTP side for a worker with ASP.NET Core integration (the host's
/// DefaultHttpProxyService): a request is routed to a function by its trigger's <c>route</c> and
/// <c>methods</c> under the host.json route prefix (an unknown route is the host's 404, and never reaches
/// the worker); it gets an invocation id, the host sends the <c>InvocationRequest</c> on the gRPC stream and
/// at the same time forwards the request with YARP to the worker's own Kestrel with that id in
/// <c>x-ms-invocation-id</c>, and the worker's answer streams back to the caller. Stricter than the host:
/// a failed invocation or forwarding error is also recorded for the test to assert on, not only logged.
/// </summary>
public sealed class HttpFront(WorkerChannel worker, IHttpForwarder forwarder, string routePrefix) : IDisposable
{
    /// <summary>The header the worker's HTTP coordinator pairs the forwarded request and the invocation by.</summary>
    public const string InvocationIdHeader = "x-ms-invocation-id";

    /// <summary>How long the host waits for an invocation (its functionTimeout is far longer; a test would not).</summary>
    private static readonly TimeSpan InvocationTimeout = TimeSpan.FromSeconds(60);

    // As YARP advises for a forwarder: no proxy, cookies, redirects or decompression between the host and
    // the worker.
    private readonly HttpMessageInvoker _invoker = new(new SocketsHttpHandler
    {
        UseProxy = false,
        AllowAutoRedirect = false,
        AutomaticDecompression = DecompressionMethods.None,
        UseCookies = false,
        ConnectTimeout = TimeSpan.FromSeconds(15),
    });

    private readonly ConcurrentQueue<string> _failures = new();
    private IReadOnlyList<(HostedFunction Function, TemplateMatcher Matcher)> _routes = [];

    /// <summary>Failed invocations and forwarding errors, by request.</summary>
    public IReadOnlyCollection<string> Failures => [.. _failures];

    /// <summary>The functions this front routes to, once the worker has loaded them.</summary>
    public void Map(IEnumerable<HostedFunction> functions) =>
        _routes = [.. functions.Select(f => (f, new TemplateMatcher(TemplateParser.Parse($"{routePrefix}/{f.Route}"), new RouteValueDictionary())))];

    public async Task HandleAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var values = new RouteValueDictionary();
        var function = _routes.FirstOrDefault(r =>
            (r.Function.Methods.Count == 0 || r.Function.Methods.Contains(context.Request.Method.ToUpperInvariant()))
            && r.Matcher.TryMatch(context.Request.Path, values)).Function;
        if (function is null)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        var invocationId = Guid.NewGuid().ToString();
        context.Request.Headers[InvocationIdHeader] = invocationId;
        var routeValues = values.ToDictionary(v => v.Key, v => Convert.ToString(v.Value, System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty);
        var traceParent = Activity.Current?.Id ?? $"00-{ActivityTraceId.CreateRandom()}-{ActivitySpanId.CreateRandom()}-00";

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        timeout.CancelAfter(InvocationTimeout);
        var invocation = worker.InvokeAsync(function, invocationId, routeValues, traceParent, timeout.Token);
        var forwarded = forwarder.SendAsync(context, worker.HttpUri.ToString(), _invoker, ForwarderRequestConfig.Empty, HttpTransformer.Default).AsTask();

        var error = await forwarded;
        if (context.RequestAborted.IsCancellationRequested)
        {
            // The caller went away (a relay stopping mid-call): the host logs a cancelled request, which
            // is no failure of the app. (The host would also send InvocationCancel; this one does not.)
            return;
        }

        if (error != ForwarderError.None)
        {
            var failure = context.Features.Get<IForwarderErrorFeature>()?.Exception;
            _failures.Enqueue($"{function.Name} {invocationId}: forwarding failed ({error}) {failure?.Message}");
        }

        try
        {
            var response = await invocation;
            if (response.Result?.Status != Rpc.StatusResult.Types.Status.Success)
            {
                _failures.Enqueue($"{function.Name} {invocationId}: invocation {response.Result?.Status} {response.Result?.Exception?.Message}");
                if (!context.Response.HasStarted)
                {
                    // The host answers a failed invocation with 500 when nothing was written yet.
                    context.Response.StatusCode = StatusCodes.Status500InternalServerError;
                }
            }
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The caller left after the answer was forwarded, before the worker reported the invocation done.
        }
        catch (Exception ex) when (ex is OperationCanceledException or InvalidOperationException or TimeoutException)
        {
            _failures.Enqueue($"{function.Name} {invocationId}: no invocation response ({ex.Message})");
            if (!context.Response.HasStarted)
            {
                context.Response.StatusCode = StatusCodes.Status500InternalServerError;
            }
        }
    }

    public void Dispose() => _invoker.Dispose();
}
