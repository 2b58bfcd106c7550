using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Functions.Hosting;
using Serverless.Testing;

namespace Serverless.Tests.Hosting;

/// <summary>
/// The Functions host forwards only routes that have a function.json; the handler serves only
/// routes it maps. The two lists must be the same, or a route is dead in Azure or a function 404s.
/// </summary>
public class FunctionJsonTests
{
    private static Dictionary<string, (string Route, string[] Methods)> FunctionJsonRoutes()
    {
        var host = JsonNode.Parse(File.ReadAllText(Path.Combine(Repository.Root, "host.json")))!;
        var prefix = (string?)host["extensions"]?["http"]?["routePrefix"] ?? "api";
        var result = new Dictionary<string, (string, string[])>(StringComparer.Ordinal);
        foreach (var file in Directory.GetFiles(Path.Combine(Repository.Root, "functions", "triggers"), "function.json", SearchOption.AllDirectories))
        {
            var name = Path.GetFileName(Path.GetDirectoryName(file))!;
            var trigger = JsonNode.Parse(File.ReadAllText(file))!["bindings"]!.AsArray()
                .Single(b => (string?)b!["type"] == "httpTrigger")!;
            Assert.Equal("anonymous", (string?)trigger["authLevel"]);
            var methods = trigger["methods"]!.AsArray().Select(m => ((string)m!).ToUpperInvariant()).Order().ToArray();
            result[name] = ($"{prefix}/{(string)trigger["route"]!}", methods);
        }

        return result;
    }

    private static async Task<Dictionary<string, (string Route, string[] Methods)>> HandlerRoutesAsync()
    {
        await using var app = await RunningFunctionsApp.StartAsync();
        var result = new Dictionary<string, (string, string[])>(StringComparer.Ordinal);
        foreach (var endpoint in app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>())
        {
            if (endpoint.Metadata.GetMetadata<LocalOnlyEndpoint>() is not null)
            {
                continue;
            }

            var name = endpoint.Metadata.GetMetadata<IEndpointNameMetadata>()?.EndpointName
                ?? throw new InvalidOperationException($"Route {endpoint.RoutePattern.RawText} has no endpoint name to match a function folder.");
            var methods = endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods.Order().ToArray() ?? [];
            result[name] = (endpoint.RoutePattern.RawText!.TrimStart('/'), methods);
        }

        return result;
    }

    [Fact]
    public async Task Every_handler_route_has_a_matching_function_json_and_back()
    {
        var functions = FunctionJsonRoutes();
        var handler = await HandlerRoutesAsync();

        Assert.NotEmpty(handler);
        Assert.Equal(handler.Keys.Order(), functions.Keys.Order());
        foreach (var (name, (route, methods)) in handler)
        {
            Assert.Equal(route, functions[name].Route);
            Assert.Equal(methods, functions[name].Methods);
        }
    }

    [Fact]
    public void Host_json_is_a_custom_handler_that_forwards_http_requests()
    {
        var host = JsonNode.Parse(File.ReadAllText(Path.Combine(Repository.Root, "host.json")))!;

        Assert.Equal("2.0", (string?)host["version"]);
        Assert.True((bool?)host["customHandler"]!["enableForwardingHttpRequest"]);
        Assert.False(string.IsNullOrEmpty((string?)host["customHandler"]!["description"]!["defaultExecutablePath"]));
        Assert.Equal("Microsoft.Azure.Functions.ExtensionBundle", (string?)host["extensionBundle"]!["id"]);
    }
}
