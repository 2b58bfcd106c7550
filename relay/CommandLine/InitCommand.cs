using System.Text;
using System.Text.RegularExpressions;

namespace Serverless.Relay.CommandLine;

/// <summary>
/// <c>relay init</c>: wires this relay into a project's <c>.mcp.json</c>. The token goes into a file only
/// the user can read (never into <c>.mcp.json</c>, which is often committed, nor into an argument).
/// </summary>
public static partial class InitCommand
{
    public const string DefaultServerName = "relay";

    public sealed record Result(string? McpJsonPath, string? TokenFile, string? Error);

    public static async Task<Result> RunAsync(
        RelaySettings settings,
        FileInfo? tokenFile,
        DirectoryInfo project,
        string serverName,
        Func<string, string?> environment,
        TextWriter output,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(project);
        ArgumentNullException.ThrowIfNull(output);
        if (!ServerNamePattern().IsMatch(serverName))
        {
            return new Result(null, null, $"--name '{serverName}' is invalid: use letters, digits, '-' and '_'.");
        }

        if (!project.Exists)
        {
            return new Result(null, null, $"--project '{project.FullName}' does not exist.");
        }

        var mcpJson = Path.Combine(project.FullName, McpServerEntry.FileName);
        var existing = File.Exists(mcpJson) ? await File.ReadAllTextAsync(mcpJson, cancellationToken).ConfigureAwait(false) : null;
        var tokenPath = tokenFile?.FullName ?? DefaultTokenFile(settings.Url, settings.Channel, environment);
        var entry = McpServerEntry.Create(RelayCommand.Current(), settings.Url, settings.Channel, tokenPath);
        var (json, error) = McpServerEntry.Merge(existing, serverName, entry);
        if (json is null)
        {
            return new Result(null, null, error);
        }

        if (tokenFile is null)
        {
            await SaveTokenAsync(tokenPath, settings.Token, cancellationToken).ConfigureAwait(false);
        }

        await File.WriteAllTextAsync(mcpJson, json, new UTF8Encoding(false), cancellationToken).ConfigureAwait(false);

        await output.WriteLineAsync($"{(existing is null ? "Created" : "Updated")} {mcpJson}: MCP server '{serverName}' relays channel '{settings.Channel}' of {settings.Url}.").ConfigureAwait(false);
        await output.WriteLineAsync(tokenFile is null
            ? $"The relay token is in {tokenPath} (readable by you only); .mcp.json names the file, not the token."
            : $"The relay reads its token from {tokenPath}.").ConfigureAwait(false);
        await output.WriteLineAsync($"""

            Start Claude Code in {project.FullName} with:

              claude --dangerously-load-development-channels server:{serverName}

            On the first start Claude Code asks about the new MCP server found in this project: choose
            "Use this MCP server" (its default is to continue without it). Then it warns about development
            channels: choose "I am using this for local development". /mcp shows the server as connected.
            """).ConfigureAwait(false);
        return new Result(mcpJson, tokenPath, null);
    }

    /// <summary>One token file per function app and channel under the user's configuration directory.</summary>
    public static string DefaultTokenFile(Uri url, string channel, Func<string, string?> environment) =>
        UserFolders.PerAppFile(UserFolders.Config(environment), url, channel, "token");

    private static async Task SaveTokenAsync(string path, string token, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        // A file that exists keeps its mode when overwritten: remove it, so the new one is created private.
        File.Delete(path);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            // Created readable by the user only, not narrowed after the fact.
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        var stream = new FileStream(path, options);
        await using (stream.ConfigureAwait(false))
        {
            await stream.WriteAsync(Encoding.UTF8.GetBytes(token + "\n"), cancellationToken).ConfigureAwait(false);
        }

    }

    [GeneratedRegex(@"\A[A-Za-z0-9_-]{1,64}\z")]
    private static partial Regex ServerNamePattern();
}
