using Microsoft.Azure.Functions.Worker;
using Serverless.Functions.Hosting;

namespace Serverless.Functions.History;

/// <summary>The history routes under the Functions host; anonymous to the host, the relay token is checked by the route itself.</summary>
public sealed class HistoryFunctions(FunctionEndpoints endpoints)
{
    [Function("relay-history")]
    public Task<IResult> List(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "relay/history")] HttpRequest request, FunctionContext function) =>
        endpoints.RunAsync(request, function);

    [Function("relay-history-event")]
    public Task<IResult> Event(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "relay/history/{id}")] HttpRequest request, FunctionContext function) =>
        endpoints.RunAsync(request, function);

    [Function("relay-redrive")]
    public Task<IResult> Redrive(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "relay/redrive")] HttpRequest request, FunctionContext function) =>
        endpoints.RunAsync(request, function);

    [Function("relay-replay")]
    public Task<IResult> Replay(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "relay/replay")] HttpRequest request, FunctionContext function) =>
        endpoints.RunAsync(request, function);
}
