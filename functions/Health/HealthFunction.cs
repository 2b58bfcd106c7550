using Microsoft.Azure.Functions.Worker;
using Serverless.Functions.Hosting;

namespace Serverless.Functions.Health;

/// <summary><c>GET /api/health</c> under the Functions host.</summary>
public sealed class HealthFunction(FunctionEndpoints endpoints)
{
    [Function("health")]
    public Task<IResult> Health([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "health")] HttpRequest request, FunctionContext function) =>
        endpoints.RunAsync(request, function);
}
