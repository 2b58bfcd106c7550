using Serverless.Contracts;
using Serverless.Relay.CommandLine;
using Serverless.Relay.Connection;

namespace Serverless.Relay;

/// <summary>Combines options, environment and the token file into settings, or a clear error.</summary>
public static class RelaySettingsResolver
{
    public const string DefaultUrl = RelayApiDefaults.LocalUrl;

    /// <param name="project">
    /// The relay entry of the current folder's <c>.mcp.json</c> (subcommands only): its URL, channel and token file
    /// come after the options and the environment; its token file only for its own URL, so a token never goes to
    /// an app it was not made for.
    /// </param>
    public static (RelaySettings? Settings, string? Error) Resolve(
        string? url, string? channel, FileInfo? tokenFile, Func<string, string?> environment,
        string? stateFile = null, int? visibilitySeconds = null, int? pollSeconds = null, ProjectRelayEntry? project = null)
    {
        ArgumentNullException.ThrowIfNull(environment);
        var taken = new List<string>();
        var urlSource = "--url";
        var urlText = url;
        if (string.IsNullOrWhiteSpace(urlText) && environment("RELAY_URL") is { Length: > 0 } fromEnvironment && !string.IsNullOrWhiteSpace(fromEnvironment))
        {
            (urlText, urlSource) = (fromEnvironment, "RELAY_URL");
        }

        if (string.IsNullOrWhiteSpace(urlText) && project?.Url is { } projectUrl)
        {
            (urlText, urlSource) = (projectUrl.ToString(), $"the url in {project}");
            taken.Add("url");
        }

        if (string.IsNullOrWhiteSpace(urlText))
        {
            urlText = DefaultUrl;
        }

        if (!Uri.TryCreate(urlText, UriKind.Absolute, out var baseUrl) || (baseUrl.Scheme != Uri.UriSchemeHttp && baseUrl.Scheme != Uri.UriSchemeHttps))
        {
            return (null, $"{urlSource} '{urlText}' is not an absolute http(s) URL.");
        }

        if (!PlainTextRule.Allows(baseUrl))
        {
            return (null, $"{urlSource} '{urlText}' is plain http to another machine: the relay token, the events and the permission answers would cross the network unencrypted, and anyone on the way could answer for the function app. Use https ({PlainTextRule.Secure(baseUrl)}); plain http is only for localhost, 127.0.0.0/8 and ::1.");
        }

        if (EndsInApi(baseUrl))
        {
            return (null, $"{urlSource} '{urlText}' ends in /api, but the relay adds /api/relay/... itself: drop the /api and use {WithoutApi(baseUrl)}");
        }

        channel ??= environment("RELAY_CHANNEL");
        if (string.IsNullOrWhiteSpace(channel) && project?.Channel is { } projectChannel)
        {
            channel = projectChannel;
            taken.Add("channel");
        }

        if (string.IsNullOrWhiteSpace(channel))
        {
            channel = RelayApiDefaults.Channel;
        }

        if (!ChannelName.IsValid(channel))
        {
            return (null, $"--channel '{channel}' is invalid: {ChannelName.Rule}.");
        }

        string? token;
        // A token file, named by --token-file or else RELAY_TOKEN_FILE, wins over RELAY_TOKEN.
        if (tokenFile is null && environment("RELAY_TOKEN_FILE") is { } tokenFilePath && !string.IsNullOrWhiteSpace(tokenFilePath))
        {
            tokenFile = new FileInfo(tokenFilePath);
        }

        if (tokenFile is null && string.IsNullOrWhiteSpace(environment("RELAY_TOKEN"))
            && project is { TokenFile: { Length: > 0 } projectToken, Url: { } tokenUrl } && tokenUrl.AbsoluteUri == baseUrl.AbsoluteUri)
        {
            tokenFile = new FileInfo(projectToken);
            taken.Add("token file");
        }

        if (tokenFile is not null)
        {
            if (!tokenFile.Exists)
            {
                return (null, $"--token-file '{tokenFile.FullName}' does not exist.");
            }

            token = File.ReadAllText(tokenFile.FullName).Trim();
            if (token.Length == 0)
            {
                return (null, $"--token-file '{tokenFile.FullName}' is empty.");
            }
        }
        else
        {
            token = environment("RELAY_TOKEN")?.Trim();
            if (string.IsNullOrEmpty(token))
            {
                return (null, project is null
                    ? "no relay token: set RELAY_TOKEN (or RELAY_TOKEN_FILE) in the MCP server's env, or pass --token-file (or run the command in the folder where relay init wrote .mcp.json)."
                    : $"no relay token for {baseUrl}: {project} names no token file for it; set RELAY_TOKEN (or RELAY_TOKEN_FILE), or pass --token-file.");
            }
        }

        if (visibilitySeconds is < 5 or > 3600)
        {
            return (null, "--visibility-timeout must be between 5 and 3600 seconds.");
        }

        if (pollSeconds is < 1 or > 3600)
        {
            return (null, "--poll-interval must be between 1 and 3600 seconds.");
        }

        stateFile ??= environment("RELAY_STATE_FILE");
        if (string.IsNullOrWhiteSpace(stateFile))
        {
            stateFile = DefaultStateFile(baseUrl, channel, environment);
        }

        var settings = new RelaySettings
        {
            Url = baseUrl,
            Channel = channel,
            Token = token,
            StateFile = stateFile,
            TakenFrom = taken.Count == 0 ? null : $"{string.Join(taken.Count == 3 ? ", " : " and ", taken.Count == 3 ? [taken[0], $"{taken[1]} and {taken[2]}"] : taken)} from {project}",
        };
        return (settings with
        {
            VisibilityTimeout = visibilitySeconds is { } v ? TimeSpan.FromSeconds(v) : settings.VisibilityTimeout,
            SafetyPollInterval = pollSeconds is { } p ? TimeSpan.FromSeconds(p) : settings.SafetyPollInterval,
        }, null);
    }

    /// <summary>A path whose last segment is <c>api</c>: the route prefix the relay adds to every call itself.</summary>
    private static bool EndsInApi(Uri url) =>
        url.AbsolutePath.TrimEnd('/').EndsWith("/api", StringComparison.OrdinalIgnoreCase);

    private static string WithoutApi(Uri url)
    {
        var path = url.AbsolutePath.TrimEnd('/');
        return new UriBuilder(url) { Path = path[..^"/api".Length] + "/", Query = string.Empty }.Uri.ToString();
    }

    /// <summary>One file per function app and channel under the user's state directory.</summary>
    public static string DefaultStateFile(Uri url, string channel, Func<string, string?> environment) =>
        UserFolders.PerAppFile(UserFolders.State(environment), url, channel, "delivered");
}
