using System.Text.RegularExpressions;

namespace Serverless.Relay;

/// <summary>Combines options, environment and the token file into settings, or a clear error.</summary>
public static partial class RelaySettingsResolver
{
    public const string DefaultUrl = "http://localhost:7071";

    public static (RelaySettings? Settings, string? Error) Resolve(
        string? url, string? channel, FileInfo? tokenFile, Func<string, string?> environment)
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
            channel = "default";
        }

        if (!ChannelPattern().IsMatch(channel))
        {
            return (null, $"--channel '{channel}' is invalid: a channel name is 1 to 40 characters of a-z, 0-9 and '-'.");
        }

        string? token;
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
                return (null, "no relay token: set RELAY_TOKEN in the MCP server's env, or pass --token-file.");
            }
        }

        return (new RelaySettings { Url = baseUrl, Channel = channel, Token = token }, null);
    }

    [GeneratedRegex("^[a-z0-9-]{1,40}$")]
    private static partial Regex ChannelPattern();
}
