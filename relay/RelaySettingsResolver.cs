using Serverless.Contracts;

namespace Serverless.Relay;

/// <summary>Combines options, environment and the token file into settings, or a clear error.</summary>
public static class RelaySettingsResolver
{
    public const string DefaultUrl = RelayApiDefaults.LocalUrl;

    public static (RelaySettings? Settings, string? Error) Resolve(
        string? url, string? channel, FileInfo? tokenFile, Func<string, string?> environment,
        string? stateFile = null, int? visibilitySeconds = null, int? pollSeconds = null)
    {
        ArgumentNullException.ThrowIfNull(environment);
        var urlText = url ?? environment("RELAY_URL");
        if (string.IsNullOrWhiteSpace(urlText))
        {
            urlText = DefaultUrl;
        }

        if (!Uri.TryCreate(urlText, UriKind.Absolute, out var baseUrl) || (baseUrl.Scheme != Uri.UriSchemeHttp && baseUrl.Scheme != Uri.UriSchemeHttps))
        {
            return (null, $"--url '{urlText}' is not an absolute http(s) URL.");
        }

        channel ??= environment("RELAY_CHANNEL");
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
                return (null, "no relay token: set RELAY_TOKEN (or RELAY_TOKEN_FILE) in the MCP server's env, or pass --token-file.");
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
        };
        return (settings with
        {
            VisibilityTimeout = visibilitySeconds is { } v ? TimeSpan.FromSeconds(v) : settings.VisibilityTimeout,
            SafetyPollInterval = pollSeconds is { } p ? TimeSpan.FromSeconds(p) : settings.SafetyPollInterval,
        }, null);
    }

    /// <summary>One file per function app and channel under the user's state directory.</summary>
    public static string DefaultStateFile(Uri url, string channel, Func<string, string?> environment) =>
        UserFolders.PerAppFile(UserFolders.State(environment), url, channel, "delivered");
}
