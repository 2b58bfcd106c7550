using System.Collections.Frozen;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.Azure.Functions.Worker;

namespace Serverless.Functions.Hosting;

/// <summary>
/// The endpoints of <see cref="FunctionRoutes"/>, built outside any server for the functions to run under
/// the Functions host: a function runs the endpoint named after it (its filters, binding and result), so
/// the local server and the host answer a route with the same code.
/// </summary>
public sealed class FunctionEndpoints
{
    private readonly Lazy<FrozenDictionary<string, RouteEndpoint>> _byName;

    public FunctionEndpoints(IServiceProvider services)
    {
        _byName = new Lazy<FrozenDictionary<string, RouteEndpoint>>(() =>
        {
            var table = new EndpointTable(services);
            table.MapFunctionEndpoints();
            return table.DataSources.SelectMany(d => d.Endpoints).OfType<RouteEndpoint>()
                .Where(e => e.Metadata.GetMetadata<IEndpointNameMetadata>() is not null)
                .ToFrozenDictionary(e => e.Metadata.GetMetadata<IEndpointNameMetadata>()!.EndpointName, StringComparer.Ordinal);
        });
    }

    public IReadOnlyCollection<RouteEndpoint> All => _byName.Value.Values;

    /// <summary>Runs the endpoint named after the function on the request; the response is written when this returns.</summary>
    public async Task<IResult> RunAsync(HttpRequest request, FunctionContext function)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(function);
        var name = function.FunctionDefinition.Name;
        if (!_byName.Value.TryGetValue(name, out var endpoint))
        {
            throw new InvalidOperationException($"The function '{name}' has no endpoint of the same name in {nameof(FunctionRoutes)}.");
        }

        var context = request.HttpContext;
        // Routing applies an endpoint's body limit when it selects it; here the host's routing selected the
        // function, so the limit is applied the same way before anything reads the body.
        if (endpoint.Metadata.GetMetadata<IRequestSizeLimitMetadata>() is { } limit
            && context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodySize)
        {
            bodySize.MaxRequestBodySize = limit.MaxRequestBodySize;
        }

        context.SetEndpoint(endpoint);
        await endpoint.RequestDelegate!(context);
        return Results.Empty;
    }

    /// <summary>Somewhere to map endpoints that no server routes to.</summary>
    private sealed class EndpointTable(IServiceProvider services) : IEndpointRouteBuilder
    {
        public IServiceProvider ServiceProvider { get; } = services;

        public ICollection<EndpointDataSource> DataSources { get; } = [];

        public IApplicationBuilder CreateApplicationBuilder() => new ApplicationBuilder(ServiceProvider);
    }
}
