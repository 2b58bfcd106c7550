using Microsoft.Azure.Functions.Worker;
using Serverless.Functions.Hosting;

namespace Serverless.Functions.Chat.Telegram;

/// <summary>Telegram under the Functions host: the bot's webhook, checked by its secret token header.</summary>
public sealed class TelegramFunctions(FunctionEndpoints endpoints)
{
    [Function("telegram")]
    public Task<IResult> Webhook(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "telegram")] HttpRequest request, FunctionContext function) =>
        endpoints.RunAsync(request, function);
}
