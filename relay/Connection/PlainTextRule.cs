namespace Serverless.Relay.Connection;

/// <summary>
/// Where the relay may talk without TLS: this machine only. Over plain http (or ws) to another host the relay
/// token travels in clear, and whoever sits on the way can answer for the function app, down to a permission
/// answer that approves a shell command.
/// </summary>
public static class PlainTextRule
{
    /// <summary>localhost, 127.0.0.0/8 and ::1: names that never leave the machine (<see cref="Uri.IsLoopback"/>, as the rest of the project asks it).</summary>
    public static bool IsLoopback(Uri url)
    {
        ArgumentNullException.ThrowIfNull(url);
        return url.IsLoopback;
    }

    /// <summary>True for https and wss, and for http and ws to this machine.</summary>
    public static bool Allows(Uri url)
    {
        ArgumentNullException.ThrowIfNull(url);
        return url.Scheme is "https" or "wss" || (url.Scheme is "http" or "ws" && IsLoopback(url));
    }

    /// <summary>The same URL with its secure scheme, for the message that says what to use instead.</summary>
    public static string Secure(Uri url)
    {
        ArgumentNullException.ThrowIfNull(url);
        var builder = new UriBuilder(url) { Scheme = url.Scheme == "ws" ? "wss" : "https" };
        if (url.IsDefaultPort)
        {
            builder.Port = -1;
        }

        return builder.Uri.GetLeftPart(UriPartial.Path);
    }
}
