using System.Net.Http;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;

namespace Serverless.Relay.Connection;

/// <summary>
/// Tells a scheme mix-up (https to a plain http port, http to an https port) from other connection failures by
/// asking the port itself, since HttpClient says only "The SSL connection could not be established" or "The
/// response ended prematurely". The probes carry nothing: a TLS handshake that sends no request, and (to this
/// machine only) a plain GET without the relay token.
/// </summary>
public static class SchemeProbe
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(2);

    /// <summary>A sentence that says which scheme the port speaks and what to use, or null when that is not the cause.</summary>
    public static async Task<string?> ExplainAsync(Uri url, HttpRequestException failure, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(url);
        ArgumentNullException.ThrowIfNull(failure);
        if (url.Scheme == Uri.UriSchemeHttps && failure.HttpRequestError == HttpRequestError.SecureConnectionError
            && !await SpeaksTlsAsync(url, cancellationToken).ConfigureAwait(false))
        {
            var plain = new UriBuilder(url) { Scheme = Uri.UriSchemeHttp, Port = url.Port }.Uri;
            if (!PlainTextRule.IsLoopback(url))
            {
                return $"the app at {url} does not speak TLS on port {url.Port}: give the relay the app's https address (plain http is only for this machine)";
            }

            return await SpeaksHttpAsync(plain, cancellationToken).ConfigureAwait(false)
                ? $"the app at {url} speaks plain http, not https; use {plain}"
                : null;
        }

        if (url.Scheme == Uri.UriSchemeHttp && failure.HttpRequestError is HttpRequestError.ResponseEnded or HttpRequestError.InvalidResponse or HttpRequestError.Unknown
            && await SpeaksTlsAsync(url, cancellationToken).ConfigureAwait(false))
        {
            return $"the app at {url} speaks https, not plain http; use {new UriBuilder(url) { Scheme = Uri.UriSchemeHttps, Port = url.Port }.Uri}";
        }

        return null;
    }

    /// <summary>The message of a failure with its causes, without .NET's "see inner exception" placeholders.</summary>
    public static string Describe(Exception failure)
    {
        ArgumentNullException.ThrowIfNull(failure);
        var parts = new List<string>();
        for (var cause = failure; cause is not null; cause = cause.InnerException)
        {
            var text = cause.Message.Replace(", see inner exception.", string.Empty, StringComparison.Ordinal).TrimEnd('.');
            if (text.Length > 0 && !parts.Contains(text))
            {
                parts.Add(text);
            }
        }

        return string.Join(": ", parts);
    }

    private static async Task<bool> SpeaksTlsAsync(Uri url, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Timeout);
        try
        {
            using var tcp = new TcpClient();
            await tcp.ConnectAsync(url.IdnHost, url.Port, timeout.Token).ConfigureAwait(false);
            var tls = new SslStream(tcp.GetStream());
            await using (tls.ConfigureAwait(false))
            {
                await tls.AuthenticateAsClientAsync(
                    new SslClientAuthenticationOptions
                    {
                        TargetHost = url.IdnHost,
                        // Whether the port speaks TLS at all, not whether to trust it: nothing is sent on this connection.
#pragma warning disable CA5359
                        RemoteCertificateValidationCallback = (_, _, _, _) => true,
#pragma warning restore CA5359
                    },
                    timeout.Token).ConfigureAwait(false);
                return true;
            }
        }
        catch (Exception ex) when (ex is AuthenticationException or IOException or SocketException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    private static async Task<bool> SpeaksHttpAsync(Uri url, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { Timeout = Timeout };
        try
        {
            // Any answer at all (a 404 included) is plain http.
            using var response = await http.GetAsync(new Uri(url, "api/health"), cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }
}
