using System.Text.Json;
using System.Text.Json.Nodes;

namespace Serverless.Relay.CommandLine;

/// <summary>
/// The relay entry <c>relay init</c> wrote into a project's <c>.mcp.json</c>: the subcommands run in that folder
/// (<c>relay events</c>, <c>tail</c>, ...) take its URL, channel and token file unless told otherwise.
/// </summary>
public sealed record ProjectRelayEntry(string McpJsonPath, string ServerName, Uri? Url, string? Channel, string? TokenFile)
{
    /// <summary>
    /// The relay entry of <c>.mcp.json</c> in <paramref name="directory"/>: the one named <c>relay</c>, else the only
    /// one that runs <paramref name="command"/>. None (and no error) when there is no file or no such entry; an error
    /// when the file cannot be read or several entries run this relay and none is named <c>relay</c>.
    /// </summary>
    public static (ProjectRelayEntry? Entry, string? Error) Find(string directory, RelayCommand? command)
    {
        var path = Path.Combine(directory, McpServerEntry.FileName);
        if (!File.Exists(path))
        {
            return (null, null);
        }

        JsonObject? servers;
        try
        {
            servers = JsonNode.Parse(File.ReadAllText(path), documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true })?["mcpServers"] as JsonObject;
        }
        catch (Exception ex) when (ex is JsonException or IOException or UnauthorizedAccessException or InvalidOperationException)
        {
            return (null, $"cannot read {path} ({ex.Message}); pass --url, --channel and --token-file instead.");
        }

        if (servers is null)
        {
            return (null, null);
        }

        var relays = servers
            .Where(s => s.Value is JsonObject server && (s.Key == InitCommand.DefaultServerName || Runs(server, command)) && Arguments(server) is not null)
            .ToList();
        var chosen = relays.FirstOrDefault(s => s.Key == InitCommand.DefaultServerName);
        if (chosen.Value is null)
        {
            if (relays.Count > 1)
            {
                return (null, $"{path} has {relays.Count} relay servers ({string.Join(", ", relays.Select(s => s.Key))}); pass --url and --channel (and --token-file) to choose one.");
            }

            if (relays.Count == 0)
            {
                return (null, null);
            }

            chosen = relays[0];
        }

        var args = Arguments((JsonObject)chosen.Value!)!;
        var url = Value(args, "--url") is { } text && Uri.TryCreate(text, UriKind.Absolute, out var parsed) ? parsed : null;
        return (new ProjectRelayEntry(path, chosen.Key, url, Value(args, "--channel"), Value(args, "--token-file")), null);
    }

    private static bool Runs(JsonObject server, RelayCommand? command) =>
        command is not null
        && server["command"] is JsonValue executable && executable.TryGetValue<string>(out var path) && path == command.Executable
        && Arguments(server) is { } args && args.Take(command.Arguments.Count).SequenceEqual(command.Arguments);

    private static List<string>? Arguments(JsonObject server) =>
        server["args"] is JsonArray args && args.All(a => a is JsonValue v && v.TryGetValue<string>(out _))
            ? [.. args.Select(a => a!.GetValue<string>())]
            : null;

    private static string? Value(List<string> args, string option)
    {
        var at = args.IndexOf(option);
        return at >= 0 && at + 1 < args.Count ? args[at + 1] : null;
    }

    /// <summary>How the stderr line names where the settings came from.</summary>
    public override string ToString() => $"{McpJsonPath} (server '{ServerName}')";
}
