using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Serverless.Functions.Chat;
using Serverless.Functions.Hosting;
using Serverless.Functions.Relay;

namespace Serverless.Functions.Chat.Discord;

/// <summary><c>POST /api/relay/discord/commands</c>: the owner's relay registers the slash command with Discord (<c>relay discord register</c>).</summary>
public static partial class DiscordRelayEndpoints
{
    public static IEndpointRouteBuilder MapDiscordRelay(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGroup("/relay").WithMetadata(RequestBodyLimit.RelayApi)
            .AddEndpointFilter(RelayEndpoints.RequireRelayTokenAsync)
            .MapPost("/discord/commands", RegisterAsync).WithName("relay-discord-commands");
        return endpoints;
    }

    private static async Task<Results<Ok<DiscordCommandsResponse>, ProblemHttpResult>> RegisterAsync(
        IOptions<DiscordOptions> options, DiscordApi api, ILogger<DiscordApi> logger, CancellationToken cancellationToken)
    {
        if (!options.Value.Enabled)
        {
            return DiscordEndpoints.NotConfigured();
        }

        try
        {
            // A bulk overwrite: running it again changes nothing, and it removes commands this app no longer has.
            var registered = await api.OverwriteGlobalCommandsAsync(DiscordSlashCommand.Definitions(), cancellationToken);
            var names = registered.Select(c => Sources.Json.Text(c, "name")).OfType<string>().ToList();
            LogRegistered(logger, names);
            return TypedResults.Ok(new DiscordCommandsResponse(options.Value.ApplicationId!, names));
        }
        catch (ChatApiException ex)
        {
            return TypedResults.Problem(ex.Message, statusCode: StatusCodes.Status502BadGateway);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Registered the Discord slash commands: {Commands}")]
    private static partial void LogRegistered(ILogger logger, IReadOnlyList<string> commands);
}
