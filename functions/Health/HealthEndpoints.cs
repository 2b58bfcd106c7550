using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Serverless.Functions.Hosting;

namespace Serverless.Functions.Health;

public static class HealthEndpoints
{
    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/health", (DeploymentMode mode) => TypedResults.Ok(HealthStatus.From(mode))).WithName("health");
        return endpoints;
    }
}
