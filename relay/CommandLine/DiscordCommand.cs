using System.CommandLine;
using Serverless.Relay.Connection;

namespace Serverless.Relay.CommandLine;

/// <summary><c>relay discord register</c>: registers the slash command and says which URL to give Discord.</summary>
public static class DiscordCommand
{
    public static Command Create(Func<ParseResult, (RelaySettings? Settings, string? Error)> resolve)
    {
        ArgumentNullException.ThrowIfNull(resolve);
        var register = new Command("register", "Registers the /claude slash command with Discord (again is harmless) and prints the Interactions Endpoint URL for the developer portal.");
        register.SetAction(async (parse, cancellationToken) =>
        {
            var (settings, error) = resolve(parse);
            if (settings is null)
            {
                await Console.Error.WriteLineAsync($"relay discord register: {error}");
                return 2;
            }

            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
            return await RegisterAsync(new RelayApiClient(http, settings), settings.Url, Console.Out, Console.Error, cancellationToken);
        });
        return new Command("discord", "Discord: register the slash command.") { register };
    }

    public static async Task<int> RegisterAsync(RelayApiClient api, Uri appUrl, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(api);
        ArgumentNullException.ThrowIfNull(appUrl);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        try
        {
            var registered = await api.RegisterDiscordCommandsAsync(cancellationToken);
            await output.WriteLineAsync($"Registered for Discord application {registered.ApplicationId}: {string.Join(", ", registered.Commands.Select(c => "/" + c))}");
            await output.WriteLineAsync($"Interactions Endpoint URL (developer portal, General Information): {InteractionsUrl(appUrl)}");
            if (appUrl.Scheme != Uri.UriSchemeHttps || appUrl.IsLoopback)
            {
                await output.WriteLineAsync("Discord only calls a public https URL: for a local app, give it the tunnel's https address with the same path.");
            }

            return 0;
        }
        catch (RelayApiException ex)
        {
            await error.WriteLineAsync($"relay discord register: {ex.Message}");
            return 1;
        }
    }

    public static Uri InteractionsUrl(Uri appUrl)
    {
        ArgumentNullException.ThrowIfNull(appUrl);
        return new Uri(new Uri(appUrl.AbsoluteUri.EndsWith('/') ? appUrl.AbsoluteUri : appUrl.AbsoluteUri + "/"), "api/discord/interactions");
    }
}
