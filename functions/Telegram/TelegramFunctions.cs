using Microsoft.Azure.Functions.Worker;
using Serverless.Functions.Hosting;

namespace Serverless.Functions.Telegram;

/// <summary>
/// Telegram under the Functions host: the bot's webhook (checked by its secret token header) and the
/// relay's Telegram calls (checked by the relay token).
/// </summary>
public sealed class TelegramFunctions(FunctionEndpoints endpoints)
{
    [Function("telegram")]
    public Task<IResult> Webhook(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "telegram")] HttpRequest request, FunctionContext function) =>
        endpoints.RunAsync(request, function);

    [Function("relay-telegram-reply")]
    public Task<IResult> Reply(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "relay/telegram/reply")] HttpRequest request, FunctionContext function) =>
        endpoints.RunAsync(request, function);

    [Function("relay-telegram-react")]
    public Task<IResult> React(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "relay/telegram/react")] HttpRequest request, FunctionContext function) =>
        endpoints.RunAsync(request, function);

    [Function("relay-telegram-receipt")]
    public Task<IResult> Receipt(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "relay/telegram/receipt")] HttpRequest request, FunctionContext function) =>
        endpoints.RunAsync(request, function);

    [Function("relay-telegram-edit")]
    public Task<IResult> Edit(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "relay/telegram/edit")] HttpRequest request, FunctionContext function) =>
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
