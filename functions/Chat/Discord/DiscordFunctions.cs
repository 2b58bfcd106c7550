using Microsoft.Azure.Functions.Worker;
using Serverless.Functions.Hosting;

namespace Serverless.Functions.Chat.Discord;

/// <summary>
/// Discord under the Functions host: the Interactions Endpoint URL (checked by Discord's Ed25519 signature)
/// and the relay's command registration (checked by the relay token).
/// </summary>
public sealed class DiscordFunctions(FunctionEndpoints endpoints)
{
    [Function("discord-interactions")]
    public Task<IResult> Interactions(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "discord/interactions")] HttpRequest request, FunctionContext function) =>
        endpoints.RunAsync(request, function);

    [Function("relay-discord-commands")]
    public Task<IResult> Commands(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "relay/discord/commands")] HttpRequest request, FunctionContext function) =>
        endpoints.RunAsync(request, function);
}
