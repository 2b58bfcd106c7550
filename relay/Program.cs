using System.CommandLine;
using Microsoft.Extensions.Hosting;
using Serverless.Relay;
using Serverless.Relay.Delivery;

var urlOption = new Option<string?>("--url")
{
    Description = "Base URL of the function app (env RELAY_URL; default http://localhost:7071).",
};
var channelOption = new Option<string?>("--channel")
{
    Description = "The channel to relay (env RELAY_CHANNEL; default 'default').",
};
var tokenFileOption = new Option<FileInfo?>("--token-file")
{
    Description = "A file holding the relay token (otherwise env RELAY_TOKEN).",
};

var stateFileOption = new Option<string?>("--state-file")
{
    Description = "Where the ids of delivered events are kept across restarts (env RELAY_STATE_FILE; default under ~/.local/state/serverless-relay).",
};
var visibilityOption = new Option<int?>("--visibility-timeout")
{
    Description = "Seconds a backlog event stays hidden after the relay received it, before it is offered again (default 60).",
};
var pollOption = new Option<int?>("--poll-interval")
{
    Description = "Seconds between backlog polls that catch a missed doorbell (default 30).",
};

var root = new RootCommand("Relays events from the serverless function app into a Claude Code session (a stdio MCP channel server).")
{
    urlOption,
    channelOption,
    tokenFileOption,
    stateFileOption,
    visibilityOption,
    pollOption,
};

root.SetAction(async (parse, cancellationToken) =>
{
    var resolved = RelaySettingsResolver.Resolve(
        parse.GetValue(urlOption),
        parse.GetValue(channelOption),
        parse.GetValue(tokenFileOption),
        Environment.GetEnvironmentVariable,
        parse.GetValue(stateFileOption),
        parse.GetValue(visibilityOption),
        parse.GetValue(pollOption));
    if (resolved.Error is { } error)
    {
        await Console.Error.WriteLineAsync($"relay: {error}");
        return 2;
    }

    var settings = resolved.Settings!;
    DeliveredEventLog delivered;
    try
    {
        delivered = new DeliveredEventLog(DeliveredEventLog.DefaultCapacity, settings.StateFile);
    }
    catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
    {
        await Console.Error.WriteLineAsync($"relay: cannot use the state file '{settings.StateFile}': {ex.Message} (choose another with --state-file)");
        return 2;
    }

    using var _ = delivered;
    using var host = RelayHost.Build(settings, delivered);
    await host.RunAsync(cancellationToken);
    return 0;
});

// Help and parse errors go to stderr too: stdout belongs to the MCP protocol.
return await root.Parse(args).InvokeAsync(new InvocationConfiguration { Output = Console.Error, Error = Console.Error });
