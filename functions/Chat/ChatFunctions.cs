using Microsoft.Azure.Functions.Worker;
using Serverless.Functions.Hosting;

namespace Serverless.Functions.Chat;

/// <summary>The relay's chat calls under the Functions host, checked by the relay token.</summary>
public sealed class ChatFunctions(FunctionEndpoints endpoints)
{
    [Function("relay-chat-reply")]
    public Task<IResult> Reply(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "relay/{transport}/reply")] HttpRequest request, FunctionContext function) =>
        endpoints.RunAsync(request, function);

    [Function("relay-chat-react")]
    public Task<IResult> React(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "relay/{transport}/react")] HttpRequest request, FunctionContext function) =>
        endpoints.RunAsync(request, function);

    [Function("relay-chat-receipt")]
    public Task<IResult> Receipt(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "relay/{transport}/receipt")] HttpRequest request, FunctionContext function) =>
        endpoints.RunAsync(request, function);

    [Function("relay-chat-edit")]
    public Task<IResult> Edit(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "relay/{transport}/edit")] HttpRequest request, FunctionContext function) =>
        endpoints.RunAsync(request, function);

    [Function("relay-permission")]
    public Task<IResult> Permission(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "relay/permission")] HttpRequest request, FunctionContext function) =>
        endpoints.RunAsync(request, function);

    [Function("relay-pair")]
    public Task<IResult> Pair(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "relay/pair")] HttpRequest request, FunctionContext function) =>
        endpoints.RunAsync(request, function);

    [Function("relay-capabilities")]
    public Task<IResult> Capabilities(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "relay/capabilities")] HttpRequest request, FunctionContext function) =>
        endpoints.RunAsync(request, function);
}
