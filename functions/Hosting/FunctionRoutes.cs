using Serverless.Functions.Chat;
using Serverless.Functions.Chat.Discord;
using Serverless.Functions.Health;
using Serverless.Functions.History;
using Serverless.Functions.Hooks;
using Serverless.Functions.Questions;
using Serverless.Functions.Relay;
using Serverless.Functions.Chat.Slack;
using Serverless.Functions.Chat.Telegram;

namespace Serverless.Functions.Hosting;

/// <summary>
/// Every function's route, mapped once under <c>/api</c> (the host's route prefix): onto the local server
/// by <c>dotnet run</c>, and onto <see cref="FunctionEndpoints"/> for the functions to dispatch to under
/// the Functions host. Each endpoint is named after its function.
/// </summary>
public static class FunctionRoutes
{
    public const string Prefix = "/api";

    public static IEndpointRouteBuilder MapFunctionEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var api = endpoints.MapGroup(Prefix).AddEndpointFilter<ServiceFailureFilter>();
        api.MapHealth();
        api.MapHooks();
        api.MapRelay();
        api.MapHistory();
        api.MapTelegram();
        api.MapSlack();
        api.MapDiscord();
        api.MapChatRelay();
        api.MapDiscordRelay();
        api.MapQuestions();
        return endpoints;
    }
}
