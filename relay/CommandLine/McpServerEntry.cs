using System.Text.Json;
using System.Text.Json.Nodes;

namespace Serverless.Relay.CommandLine;

/// <summary>
/// Writes or merges the relay's entry in a project's <c>.mcp.json</c>, the file Claude Code reads its
/// project MCP servers from. Other servers and settings in the file are kept as they are.
/// </summary>
public static class McpServerEntry
{
    public const string FileName = ".mcp.json";

    /// <summary>The entry: an absolute command (Claude Code does not expand <c>~</c>), the token only by file.</summary>
    public static JsonObject Create(RelayCommand command, Uri url, string channel, string tokenFile)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(url);
        var args = new JsonArray();
        foreach (var argument in command.Arguments.Concat(["--url", url.ToString(), "--channel", channel, "--token-file", tokenFile]))
        {
            args.Add((JsonNode?)JsonValue.Create(argument));
        }

        return new JsonObject { ["type"] = "stdio", ["command"] = command.Executable, ["args"] = args };
    }

    /// <summary>
    /// Puts <paramref name="entry"/> under <c>mcpServers.{name}</c> of <paramref name="existing"/> (or a new
    /// document); null and an error when the existing text is not a JSON object, so nothing is overwritten.
    /// </summary>
    public static (string? Json, string? Error) Merge(string? existing, string name, JsonObject entry)
    {
        JsonObject root;
        if (string.IsNullOrWhiteSpace(existing))
        {
            root = [];
        }
        else
        {
            try
            {
                root = JsonNode.Parse(existing, documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true, AllowDuplicateProperties = false }) as JsonObject
                    ?? throw new JsonException("the top level is not an object");
            }
            catch (JsonException ex)
            {
                return (null, $"{FileName} is not a JSON object ({ex.Message}); fix or move it, then run init again.");
            }
        }

        if (root["mcpServers"] is not JsonObject servers)
        {
            if (root["mcpServers"] is not null)
            {
                return (null, $"{FileName} has an mcpServers that is not an object; fix it, then run init again.");
            }

            servers = [];
            root["mcpServers"] = servers;
        }

        servers[name] = entry;
        return (root.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + Environment.NewLine, null);
    }
}
