using Microsoft.Azure.Functions.Worker;
using Serverless.Functions.Hosting;

namespace Serverless.Functions.Hooks;

/// <summary>
/// <c>POST /api/hooks/{source}/{channel}</c> under the Functions host. Anonymous to the host: each source
/// checks its own signature or token, which a function key would only duplicate.
/// </summary>
public sealed class HookFunction(FunctionEndpoints endpoints)
{
    [Function("hooks")]
    public Task<IResult> Receive(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "hooks/{source}/{channel}")] HttpRequest request, FunctionContext function) =>
        endpoints.RunAsync(request, function);
}
