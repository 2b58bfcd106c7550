using System.Diagnostics.CodeAnalysis;

namespace Serverless.Functions.WebPubSub;

/// <summary>A Web PubSub connection string: <c>Endpoint=https://x.webpubsub.azure.com;AccessKey=...;Version=1.0;</c>.</summary>
public sealed record WebPubSubConnectionString(Uri Endpoint, string AccessKey)
{
    public static bool TryParse(string? value, [NotNullWhen(true)] out WebPubSubConnectionString? result, out string? error)
    {
        result = null;
        error = null;
        if (string.IsNullOrWhiteSpace(value))
        {
            error = "the connection string is empty";
            return false;
        }

        var pairs = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var part in value.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var eq = part.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                error = "each part must look like Key=Value";
                return false;
            }

            pairs[part[..eq].Trim()] = part[(eq + 1)..].Trim();
        }

        if (!pairs.TryGetValue("Endpoint", out var endpointText)
            || !Uri.TryCreate(endpointText, UriKind.Absolute, out var endpoint)
            || (endpoint.Scheme != Uri.UriSchemeHttps && endpoint.Scheme != Uri.UriSchemeHttp))
        {
            error = "Endpoint must be an absolute http(s) URL";
            return false;
        }

        if (!pairs.TryGetValue("AccessKey", out var key) || key.Length == 0)
        {
            error = "AccessKey is missing (use WebPubSub:Endpoint alone for managed identity)";
            return false;
        }

        if (pairs.TryGetValue("Version", out var version) && version != "1.0")
        {
            error = $"Version {version} is not supported (expected 1.0)";
            return false;
        }

        if (pairs.TryGetValue("Port", out var portText))
        {
            if (!int.TryParse(portText, System.Globalization.CultureInfo.InvariantCulture, out var port) || port is <= 0 or > 65535)
            {
                error = "Port must be a number between 1 and 65535";
                return false;
            }

            endpoint = new UriBuilder(endpoint) { Port = port }.Uri;
        }

        result = new WebPubSubConnectionString(new Uri(endpoint.GetLeftPart(UriPartial.Authority)), key);
        return true;
    }

    // The key is a secret: keep it out of logs and exception messages.
    public override string ToString() => $"Endpoint={Endpoint};AccessKey=***;Version=1.0;";
}
