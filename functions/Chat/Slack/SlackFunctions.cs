using Microsoft.Azure.Functions.Worker;
using Serverless.Functions.Hosting;

namespace Serverless.Functions.Chat.Slack;

/// <summary>Slack under the Functions host: the Events API and interactivity Request URLs, each checked by Slack's signature.</summary>
public sealed class SlackFunctions(FunctionEndpoints endpoints)
{
    [Function("slack-events")]
    public Task<IResult> Events(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "slack/events")] HttpRequest request, FunctionContext function) =>
        endpoints.RunAsync(request, function);

    [Function("slack-interactivity")]
    public Task<IResult> Interactivity(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "slack/interactivity")] HttpRequest request, FunctionContext function) =>
        endpoints.RunAsync(request, function);
}
