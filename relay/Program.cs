using System.CommandLine;
using Microsoft.Extensions.Hosting;
using Serverless.Relay;

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

var root = new RootCommand("Relays events from the serverless function app into a Claude Code session (a stdio MCP channel server).")
{
    urlOption,
    channelOption,
    tokenFileOption,
};

root.SetAction(async (parse, cancellationToken) =>
{
    var resolved = RelaySettingsResolver.Resolve(
        parse.GetValue(urlOption),
        parse.GetValue(channelOption),
        parse.GetValue(tokenFileOption),
        Environment.GetEnvironmentVariable);
    if (resolved.Error is { } error)
    {
        await Console.Error.WriteLineAsync($"relay: {error}");
        return 2;
    }

    using var host = RelayHost.Build(resolved.Settings!);
    await host.RunAsync(cancellationToken);
    return 0;
});

// Help and parse errors go to stderr too: stdout belongs to the MCP protocol.
return await root.Parse(args).InvokeAsync(new InvocationConfiguration { Output = Console.Error, Error = Console.Error });
