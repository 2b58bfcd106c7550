using System.CommandLine;
using Microsoft.Extensions.Hosting;
using Serverless.Relay;
using Serverless.Relay.Channel;
using Serverless.Relay.CommandLine;
using Serverless.Relay.Connection;
using Serverless.Relay.Delivery;
using Serverless.Relay.History;
using Serverless.Relay.Playbooks;

var urlOption = new Option<string?>("--url")
{
    Description = "Base URL of the function app, without /api (env RELAY_URL; for subcommands, then the relay entry relay init wrote in ./.mcp.json; default http://localhost:7071). Plain http only to localhost, 127.0.0.0/8 and ::1.",
    Recursive = true,
};
var channelOption = new Option<string?>("--channel")
{
    Description = "The channel to relay (env RELAY_CHANNEL; for subcommands, then ./.mcp.json's; default 'default').",
    Recursive = true,
};
var tokenFileOption = new Option<FileInfo?>("--token-file")
{
    Description = "A file holding the relay token (otherwise env RELAY_TOKEN_FILE, then env RELAY_TOKEN; for subcommands, then ./.mcp.json's token file for its URL).",
    Recursive = true,
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
var playbookOption = new Option<string?>("--playbook")
{
    Description = $"The owner's rules for events when nobody is watching (default: {PlaybookFile.DefaultPath} in the current directory, if it exists).",
};
var codeArgument = new Argument<string>("code") { Description = "The code the bot (Telegram, Slack or Discord) sent to the person who wants to pair." };

var pair = new Command("pair", "Approves a pairing code from Telegram, Slack or Discord: that person's chat then reaches this channel.") { codeArgument };
var projectOption = new Option<DirectoryInfo?>("--project")
{
    Description = "The project whose .mcp.json gets the relay (default: the current directory).",
};
var nameOption = new Option<string?>("--name")
{
    Description = "The MCP server name in .mcp.json and in server:NAME (default 'relay').",
};
var init = new Command("init", "Adds this relay to a project's .mcp.json (keeping what is there) and prints the claude command to start with.")
{
    projectOption,
    nameOption,
};
var eventIdArgument = new Argument<string?>("id") { Description = "One event's id: its steps with their times.", Arity = ArgumentArity.ZeroOrOne };
var statusOption = new Option<string?>("--status") { Description = "Only events whose latest step is this (received, stored, rung, taken, shown, acknowledged, dead_lettered, released)." };
var sourceOption = new Option<string?>("--source") { Description = "Only events of this source (github, generic, telegram, ...)." };
var sinceOption = new Option<string?>("--since") { Description = "Only events with a step since this: a duration back from now (30s, 15m, 2h, 7d) or a time (2026-11-25T09:00:00Z)." };
var limitOption = new Option<int?>("--limit") { Description = "At most this many events, newest first (1-200, default 20)." };
var jsonOption = new Option<bool>("--json") { Description = "JSON for scripts instead of a table." };
var events = new Command("events", "What became of the channel's events: recent events with their status, or one event's steps.")
{
    eventIdArgument,
    statusOption,
    sourceOption,
    sinceOption,
    limitOption,
    jsonOption,
};
var tailJsonOption = new Option<bool>("--json") { Description = "One JSON object a line instead of text." };
var tail = new Command("tail", "Prints the channel's new events as they arrive (it takes none from the relay's queue).") { tailJsonOption };
var redrive = new Command("redrive", "Sends the channel's dead-lettered events round again: each arrives in the session once more.");
var replayIdArgument = new Argument<string>("id") { Description = "The id of a past event of the channel (relay events lists them)." };
var replay = new Command("replay", "Sends a past event again as a new event (a new id, with replay_of naming the original); prints the new id.") { replayIdArgument };
var checkPlaybookOption = new Option<string?>("--playbook")
{
    Description = $"The playbook to check (default: {PlaybookFile.DefaultPath} in the current directory).",
};
var checkLimitOption = new Option<int?>("--limit") { Description = "How many of the latest events to check (1-200, default 20)." };
var checkJsonOption = new Option<bool>("--json") { Description = "JSON for scripts instead of a table." };
var playbookCheck = new Command("check", "Shows which playbook rule each of the channel's latest events matches, or none.")
{
    checkPlaybookOption,
    checkLimitOption,
    checkJsonOption,
};
var playbookCommand = new Command("playbook", "The owner's playbook for this channel.") { playbookCheck };
var root = new RootCommand("Relays events from the serverless function app into a Claude Code session (a stdio MCP channel server).")
{
    urlOption,
    channelOption,
    tokenFileOption,
    stateFileOption,
    visibilityOption,
    pollOption,
    playbookOption,
    init,
    pair,
    events,
    tail,
    redrive,
    replay,
    playbookCommand,
};
root.Subcommands.Add(DiscordCommand.Create(parse => ResolveInProject(parse, "discord register")));

(RelaySettings? Settings, string? Error) Resolve(ParseResult parse) => RelaySettingsResolver.Resolve(
    parse.GetValue(urlOption),
    parse.GetValue(channelOption),
    parse.GetValue(tokenFileOption),
    Environment.GetEnvironmentVariable,
    parse.GetValue(stateFileOption),
    parse.GetValue(visibilityOption),
    parse.GetValue(pollOption));

// A subcommand run in a project folder: what `relay init` wrote in its .mcp.json fills in what options and environment
// leave open, said on stderr (stdout stays the command's own output, for scripts).
(RelaySettings? Settings, string? Error) ResolveInProject(ParseResult parse, string name)
{
    var (project, projectError) = ProjectRelayEntry.Find(Environment.CurrentDirectory, RelayCommand.Current());
    if (projectError is not null)
    {
        return (null, projectError);
    }

    var resolved = RelaySettingsResolver.Resolve(
        parse.GetValue(urlOption),
        parse.GetValue(channelOption),
        parse.GetValue(tokenFileOption),
        Environment.GetEnvironmentVariable,
        parse.GetValue(stateFileOption),
        parse.GetValue(visibilityOption),
        parse.GetValue(pollOption),
        project);
    if (resolved.Settings is { TakenFrom: { } takenFrom } settings)
    {
        Console.Error.WriteLine($"relay {name}: channel '{settings.Channel}' of {settings.Url} ({takenFrom})");
    }

    return resolved;
}

root.SetAction(async (parse, cancellationToken) =>
{
    var (settings, error) = Resolve(parse);
    if (settings is null)
    {
        await Console.Error.WriteLineAsync($"relay: {error}");
        return 2;
    }

    var (playbook, playbookError) = PlaybookFile.Load(parse.GetValue(playbookOption), Environment.CurrentDirectory);
    if (playbook is null)
    {
        await Console.Error.WriteLineAsync($"relay: {playbookError}");
        return 2;
    }

    settings = settings with { Playbook = playbook };

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
    using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(15) };
    var api = new RelayApiClient(http, settings);
    var permission = PermissionCapability.Ask(api, TimeProvider.System, Console.Error, cancellationToken);
    using var host = RelayHost.Build(settings, delivered, api, permission);
    await host.RunAsync(cancellationToken);
    return 0;
});

pair.SetAction(async (parse, cancellationToken) =>
{
    var (settings, error) = ResolveInProject(parse, "pair");
    if (settings is null)
    {
        await Console.Error.WriteLineAsync($"relay: {error}");
        return 2;
    }

    using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(15) };
    try
    {
        var paired = await new RelayApiClient(http, settings).PairAsync(parse.GetValue(codeArgument)!, cancellationToken);
        await Console.Out.WriteLineAsync($"Paired {ChatReference.DisplayName(paired.Transport)} user {paired.UserId}: their chat {paired.ChatId} now reaches channel '{paired.Channel}'.");
        return 0;
    }
    catch (RelayApiException ex)
    {
        await Console.Error.WriteLineAsync($"relay pair: {ex.Message}");
        return 1;
    }
});

init.SetAction(async (parse, cancellationToken) =>
{
    var (settings, error) = Resolve(parse);
    if (settings is null)
    {
        await Console.Error.WriteLineAsync($"relay init: {error}");
        return 2;
    }

    var result = await InitCommand.RunAsync(
        settings,
        parse.GetValue(tokenFileOption),
        parse.GetValue(projectOption) ?? new DirectoryInfo(Environment.CurrentDirectory),
        parse.GetValue(nameOption) ?? InitCommand.DefaultServerName,
        Environment.GetEnvironmentVariable,
        Console.Out,
        cancellationToken);
    if (result.Error is not null)
    {
        await Console.Error.WriteLineAsync($"relay init: {result.Error}");
        return 1;
    }

    return 0;
});

// A subcommand that calls the app: its settings (exit 2 when they cannot be resolved), the call, and a failed call
// said on stderr (exit 1).
async Task<int> CallAppAsync(ParseResult parse, string name, TimeSpan timeout, Func<RelaySettings, RelayApiClient, Task<int>> call)
{
    var (settings, error) = ResolveInProject(parse, name);
    if (settings is null)
    {
        await Console.Error.WriteLineAsync($"relay {name}: {error}");
        return 2;
    }

    using var http = new HttpClient { Timeout = timeout };
    try
    {
        return await call(settings, new RelayApiClient(http, settings));
    }
    catch (RelayApiException ex)
    {
        await Console.Error.WriteLineAsync($"relay {name}: {ex.Message}");
        return 1;
    }
}

events.SetAction((parse, cancellationToken) => CallAppAsync(parse, "events", TimeSpan.FromSeconds(15), async (_, api) =>
    parse.GetValue(eventIdArgument) is { Length: > 0 } id
        ? await EventsCommand.ShowAsync(api, id, parse.GetValue(jsonOption), Console.Out, Console.Error, cancellationToken)
        : await EventsCommand.ListAsync(
            api,
            new HistoryFilters(parse.GetValue(statusOption), parse.GetValue(sourceOption), parse.GetValue(sinceOption), parse.GetValue(limitOption)),
            parse.GetValue(jsonOption),
            Console.Out,
            cancellationToken)));

tail.SetAction((parse, cancellationToken) => CallAppAsync(parse, "tail", TimeSpan.FromSeconds(15), (_, api) =>
    EventsCommand.TailAsync(api, parse.GetValue(tailJsonOption), Console.Out, Console.Error, TimeProvider.System, cancellationToken)));

redrive.SetAction((parse, cancellationToken) => CallAppAsync(parse, "redrive", TimeSpan.FromSeconds(60), async (settings, api) =>
{
    var redriven = await api.RedriveAsync(cancellationToken);
    await Console.Out.WriteLineAsync(redriven.Redriven == 0
        ? $"The dead-letter queue of channel '{settings.Channel}' is empty."
        : $"Redrove {redriven.Redriven} events into channel '{settings.Channel}': {string.Join(' ', redriven.Events)}");
    return 0;
}));

replay.SetAction((parse, cancellationToken) => CallAppAsync(parse, "replay", TimeSpan.FromSeconds(30), async (settings, api) =>
{
    var replayed = await api.ReplayAsync(parse.GetValue(replayIdArgument)!, cancellationToken);
    // The new id alone on stdout, for scripts; the sentence for people on stderr.
    await Console.Error.WriteLineAsync($"Replayed event {replayed.ReplayOf} into channel '{settings.Channel}' as new event:");
    await Console.Out.WriteLineAsync(replayed.Id);
    return 0;
}));

playbookCheck.SetAction((parse, cancellationToken) => CallAppAsync(parse, "playbook check", TimeSpan.FromSeconds(15), async (_, api) =>
{
    var (playbook, playbookError) = PlaybookFile.Load(parse.GetValue(checkPlaybookOption), Environment.CurrentDirectory);
    playbookError ??= playbook is { IsEmpty: true } ? $"there is no playbook to check: {PlaybookFile.DefaultPath} does not exist here (or pass --playbook FILE)" : null;
    if (playbook is null || playbookError is not null)
    {
        await Console.Error.WriteLineAsync($"relay playbook check: {playbookError}");
        return 2;
    }

    var history = await api.ListHistoryAsync(new HistoryFilters(null, null, null, parse.GetValue(checkLimitOption)).ToQuery(), cancellationToken);
    var rows = PlaybookCheck.Rows(playbook, history);
    await Console.Out.WriteAsync(parse.GetValue(checkJsonOption) ? PlaybookCheck.Json(playbook, rows) : PlaybookCheck.Table(playbook, rows));
    return 0;
}));

// Help and --version go to stdout (`relay --help | less`), parse errors to stderr. Serving MCP, the relay writes
// nothing but the protocol to stdout: neither help nor version runs then, and a parse error (with the help that
// follows it) goes to stderr.
var parsed = root.Parse(args);

return await parsed.InvokeAsync(new InvocationConfiguration { Output = parsed.Errors.Count == 0 ? Console.Out : Console.Error, Error = Console.Error });
