using System.Reflection;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Template;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Moq;
using Serverless.Functions;
using Serverless.Functions.Hosting;
using Serverless.Testing;

namespace Serverless.Tests.Functions.Hosting;

/// <summary>
/// The same app twice: on the local server (<c>dotnet run</c>), and as the isolated worker the Functions
/// host starts (built, not started: no host is there to connect to), with the same settings.
/// </summary>
public sealed class BothHosts : IAsyncLifetime
{
    public const string RelayToken = "parity-relay-token-0123456789";

    // Azure-shaped settings (Web PubSub by connection string, so neither host serves the embedded endpoint);
    // the endpoint is a loopback address nothing listens on, and nothing here rings it.
    private static readonly Dictionary<string, string?> Settings = new()
    {
        ["WebPubSub:ConnectionString"] = "Endpoint=http://127.0.0.1:9;AccessKey=parity-access-key-0123456789abcdef;Version=1.0;",
        ["Relay:Tokens:0:Secret"] = RelayToken,
        ["Relay:Tokens:0:Channels"] = "*",
        ["Sources:generic:Secret"] = "parity-webhook-token-0123456789",
    };

    public RunningFunctionsApp Local { get; private set; } = null!;

    public IHost Worker { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Local = await RunningFunctionsApp.StartAsync(Settings);
        Worker = FunctionsWorker.Build([], builder => builder.Configuration.AddInMemoryCollection(Settings));
    }

    public async Task DisposeAsync()
    {
        Worker.Dispose();
        await Local.DisposeAsync();
    }
}

/// <summary>
/// The Functions host serves the routes of the <c>[Function]</c> attributes; <c>dotnet run</c> serves the
/// routes it maps. They must be the same routes with the same answers, or a route works locally and is
/// dead (or different) in Azure.
/// </summary>
public sealed class FunctionParityTests(BothHosts hosts) : IClassFixture<BothHosts>
{
    private sealed record Function(string Name, string Route, string[] Methods, AuthorizationLevel Level, MethodInfo Method);

    private static List<Function> Functions() =>
        [.. typeof(FunctionsWorker).Assembly.GetTypes()
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly))
            .Select(m => (Method: m, Function: m.GetCustomAttribute<FunctionAttribute>()))
            .Where(x => x.Function is not null)
            .Select(x =>
            {
                var trigger = x.Method.GetParameters().Select(p => p.GetCustomAttribute<HttpTriggerAttribute>()).Single(a => a is not null)!;
                return new Function(
                    x.Function!.Name,
                    $"api/{trigger.Route}",
                    [.. (trigger.Methods ?? []).Select(m => m.ToUpperInvariant()).Order()],
                    trigger.AuthLevel,
                    x.Method);
            })];

    private List<RouteEndpoint> LocalRoutes() =>
        [.. hosts.Local.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<LocalOnlyEndpoint>() is null)];

    private static string NameOf(Endpoint endpoint) =>
        endpoint.Metadata.GetMetadata<IEndpointNameMetadata>()?.EndpointName
        ?? throw new InvalidOperationException($"{endpoint.DisplayName} has no name to match a function.");

    [Fact]
    public void Every_function_has_a_local_route_with_the_same_path_and_methods_and_back()
    {
        var functions = Functions().ToDictionary(f => f.Name);
        var local = LocalRoutes().ToDictionary(NameOf);

        Assert.True(functions.Count >= 14, $"found {functions.Count} functions");
        Assert.Equal(local.Keys.Order(), functions.Keys.Order());
        foreach (var (name, endpoint) in local)
        {
            Assert.Equal(endpoint.RoutePattern.RawText!.TrimStart('/'), functions[name].Route);
            Assert.Equal(endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()!.HttpMethods.Order(), functions[name].Methods);
        }
    }

    [Fact]
    public void Every_function_leaves_the_caller_check_to_the_endpoint_as_the_local_server_does()
    {
        // The local server has no function keys: a function that asked the host for one would be closed
        // in Azure and open on the local server. Each route checks its caller itself (source signature,
        // relay token, Telegram secret), in the endpoint both hosts run.
        Assert.All(Functions(), f => Assert.Equal(AuthorizationLevel.Anonymous, f.Level));
        Assert.All(LocalRoutes(), e => Assert.Null(e.Metadata.GetMetadata<Microsoft.AspNetCore.Authorization.IAuthorizeData>()));
    }

    [Fact]
    public void The_endpoints_the_functions_run_carry_the_local_routes_metadata()
    {
        var dispatched = hosts.Worker.Services.GetRequiredService<FunctionEndpoints>().All.ToDictionary(NameOf);
        var local = LocalRoutes().ToDictionary(NameOf);

        Assert.Equal(local.Keys.Order(), dispatched.Keys.Order());
        foreach (var (name, endpoint) in local)
        {
            Assert.Equal(endpoint.RoutePattern.RawText, dispatched[name].RoutePattern.RawText);
            Assert.Equal(
                endpoint.Metadata.GetMetadata<IRequestSizeLimitMetadata>()?.MaxRequestBodySize,
                dispatched[name].Metadata.GetMetadata<IRequestSizeLimitMetadata>()?.MaxRequestBodySize);
        }

        Assert.Contains(local.Values, e => e.Metadata.GetMetadata<IRequestSizeLimitMetadata>() is not null);
    }

    public static TheoryData<string, string, string?> Requests() => new()
    {
        // name, path, bearer token
        { "health", "/api/health", null },
        { "hooks", "/api/hooks/generic/default", null },
        { "hooks", "/api/hooks/nosuchsource/default", null },
        { "hooks", "/api/hooks/generic/Not%20A%20Channel", null },
        { "telegram", "/api/telegram", null },
        { "relay-negotiate", "/api/relay/negotiate", null },
        { "relay-negotiate", "/api/relay/negotiate?channel=Bad!", BothHosts.RelayToken },
        { "relay-backlog", "/api/relay/backlog", "not-the-token-0123456789" },
        { "relay-backlog", "/api/relay/backlog", BothHosts.RelayToken },
        { "relay-ack", "/api/relay/ack", BothHosts.RelayToken },
        { "relay-release", "/api/relay/release", null },
        { "relay-event", "/api/relay/events/abc?channel=default", BothHosts.RelayToken },
        { "relay-event", "/api/relay/events/abc", null },
        { "relay-history", "/api/relay/history?channel=default&status=dead_lettered", BothHosts.RelayToken },
        { "relay-history", "/api/relay/history?channel=default&since=yesterday", BothHosts.RelayToken },
        { "relay-history-event", "/api/relay/history/abc?channel=default", BothHosts.RelayToken },
        { "relay-history-event", "/api/relay/history/abc", null },
        { "relay-redrive", "/api/relay/redrive", BothHosts.RelayToken },
        { "relay-redrive", "/api/relay/redrive", null },
        { "relay-chat-reply", "/api/relay/telegram/reply", BothHosts.RelayToken },
        { "relay-chat-reply", "/api/relay/pigeon/reply", BothHosts.RelayToken },
        { "relay-chat-react", "/api/relay/telegram/react", null },
        { "relay-chat-receipt", "/api/relay/telegram/receipt", BothHosts.RelayToken },
        { "relay-chat-edit", "/api/relay/telegram/edit", BothHosts.RelayToken },
        { "relay-permission", "/api/relay/permission", BothHosts.RelayToken },
        { "relay-pair", "/api/relay/pair", BothHosts.RelayToken },
        { "relay-capabilities", "/api/relay/capabilities?channel=default", BothHosts.RelayToken },
        { "relay-questions", "/api/relay/questions", BothHosts.RelayToken },
        { "relay-questions", "/api/relay/questions", null },
        { "relay-question", "/api/relay/questions/0123456789abcdef0123456789abcdef?channel=default", BothHosts.RelayToken },
        { "relay-question", "/api/relay/questions/not-an-id?channel=default", BothHosts.RelayToken },
        { "relay-question-withdraw", "/api/relay/questions/0123456789abcdef0123456789abcdef?channel=default", BothHosts.RelayToken },
    };

    [Theory]
    [MemberData(nameof(Requests))]
    public async Task A_function_answers_a_request_as_its_local_route_does(string name, string path, string? token)
    {
        var function = Functions().Single(f => f.Name == name);
        var method = function.Methods[0];
        const string body = """{"channel":"default"}""";

        using var local = hosts.Local.CreateClient();
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (method == "POST")
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        if (token is not null)
        {
            request.Headers.Authorization = new("Bearer", token);
        }

        using var expected = await local.SendAsync(request);
        var (status, contentType, text) = await InvokeFunctionAsync(function, path, method == "POST" ? body : null, token);

        Assert.Equal((int)expected.StatusCode, status);
        Assert.Equal(expected.Content.Headers.ContentType?.MediaType, contentType?.Split(';')[0]);
        Assert.Equal(WithoutTraceId(await expected.Content.ReadAsStringAsync()), WithoutTraceId(text));
    }

    /// <summary>Problem details carry the request's own trace id, different for every request.</summary>
    private static string WithoutTraceId(string body)
    {
        if (System.Text.Json.Nodes.JsonNode.Parse(body.Length == 0 ? "null" : body) is System.Text.Json.Nodes.JsonObject json && (json.Remove("traceId") | json.Remove("trace_id")))
        {
            return json.ToJsonString();
        }

        return body;
    }

    /// <summary>
    /// Calls the <c>[Function]</c> method as the worker does under the ASP.NET Core integration: on the
    /// request's <see cref="HttpContext"/> (route values set by the worker's routing from the function's
    /// route), with a <see cref="FunctionContext"/> that names the function, then executes its result.
    /// A stand-in for the host, and said so: no Functions host runs here (Core Tools cannot be installed,
    /// and the host's gRPC messages are internal to the worker). The published worker runs under a stand-in
    /// for the host's protocol and HTTP proxying in the end-to-end FunctionsHostTests.
    /// </summary>
    private async Task<(int Status, string? ContentType, string Body)> InvokeFunctionAsync(Function function, string pathAndQuery, string? body, string? token)
    {
        await using var scope = hosts.Worker.Services.CreateAsyncScope();
        var uri = new Uri("http://localhost" + pathAndQuery);
        var http = new DefaultHttpContext { RequestServices = scope.ServiceProvider };
        http.Request.Method = function.Methods[0];
        http.Request.Scheme = "http";
        http.Request.Host = new HostString("localhost");
        http.Request.Path = Uri.UnescapeDataString(uri.AbsolutePath);
        http.Request.QueryString = new QueryString(uri.Query);
        if (body is not null)
        {
            var bytes = Encoding.UTF8.GetBytes(body);
            http.Request.ContentType = "application/json";
            http.Request.ContentLength = bytes.Length;
            http.Request.Body = new MemoryStream(bytes);
            // Kestrel, which the worker runs, says a request with Content-Length can have a body.
            http.Features.Set<IHttpRequestBodyDetectionFeature>(new BodyDetection());
        }

        if (token is not null)
        {
            http.Request.Headers.Authorization = $"Bearer {token}";
        }

        var matcher = new TemplateMatcher(TemplateParser.Parse(function.Route), []);
        Assert.True(matcher.TryMatch(http.Request.Path, http.Request.RouteValues), $"{function.Route} does not match {http.Request.Path}");
        var response = new MemoryStream();
        http.Response.Body = response;

        var definition = new Mock<FunctionDefinition>();
        definition.SetupGet(d => d.Name).Returns(function.Name);
        var context = new Mock<FunctionContext>();
        context.SetupGet(c => c.FunctionDefinition).Returns(definition.Object);
        context.SetupGet(c => c.InstanceServices).Returns(scope.ServiceProvider);

        var instance = ActivatorUtilities.CreateInstance(scope.ServiceProvider, function.Method.DeclaringType!);
        var result = await (Task<IResult>)function.Method.Invoke(instance, [http.Request, context.Object])!;
        await result.ExecuteAsync(http);

        return (http.Response.StatusCode, http.Response.ContentType, Encoding.UTF8.GetString(response.ToArray()));
    }

    private sealed class BodyDetection : IHttpRequestBodyDetectionFeature
    {
        public bool CanHaveBody => true;
    }
}
