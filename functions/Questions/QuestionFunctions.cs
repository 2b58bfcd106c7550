using Microsoft.Azure.Functions.Worker;
using Serverless.Functions.Hosting;

namespace Serverless.Functions.Questions;

/// <summary>The relay's question routes under the Functions host (checked by the relay token).</summary>
public sealed class QuestionFunctions(FunctionEndpoints endpoints)
{
    [Function("relay-questions")]
    public Task<IResult> Ask(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "relay/questions")] HttpRequest request, FunctionContext function) =>
        endpoints.RunAsync(request, function);

    [Function("relay-question")]
    public Task<IResult> Get(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "relay/questions/{id}")] HttpRequest request, FunctionContext function) =>
        endpoints.RunAsync(request, function);

    [Function("relay-question-withdraw")]
    public Task<IResult> Withdraw(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "relay/questions/{id}")] HttpRequest request, FunctionContext function) =>
        endpoints.RunAsync(request, function);
}
