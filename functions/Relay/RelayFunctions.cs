using Microsoft.Azure.Functions.Worker;
using Serverless.Functions.Hosting;

namespace Serverless.Functions.Relay;

/// <summary>
/// The relay API under the Functions host. Anonymous to the host: every route checks the relay token
/// and its channel itself (<see cref="RelayEndpoints.RequireRelayTokenAsync"/>).
/// </summary>
public sealed class RelayFunctions(FunctionEndpoints endpoints)
{
    [Function("relay-negotiate")]
    public Task<IResult> Negotiate(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "relay/negotiate")] HttpRequest request, FunctionContext function) =>
        endpoints.RunAsync(request, function);

    [Function("relay-backlog")]
    public Task<IResult> Backlog(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "relay/backlog")] HttpRequest request, FunctionContext function) =>
        endpoints.RunAsync(request, function);

    [Function("relay-ack")]
    public Task<IResult> Ack(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "relay/ack")] HttpRequest request, FunctionContext function) =>
        endpoints.RunAsync(request, function);

    [Function("relay-release")]
    public Task<IResult> Release(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "relay/release")] HttpRequest request, FunctionContext function) =>
        endpoints.RunAsync(request, function);

    [Function("relay-event")]
    public Task<IResult> Event(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "relay/events/{id}")] HttpRequest request, FunctionContext function) =>
        endpoints.RunAsync(request, function);
}
