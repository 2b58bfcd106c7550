using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using NSec.Cryptography;

namespace Serverless.Testing;

/// <summary>
/// Signs interactions the way Discord does, with a key pair of the test's own: Ed25519 over the timestamp's
/// bytes followed by the body's, hex in <c>X-Signature-Ed25519</c>.
/// </summary>
public sealed class DiscordSigner : IDisposable
{
    private readonly Key _key = Key.Create(SignatureAlgorithm.Ed25519, new KeyCreationParameters { ExportPolicy = KeyExportPolicies.AllowPlaintextExport });

    /// <summary>The public key as the developer portal shows it: 64 hex characters.</summary>
    public string PublicKeyHex => Convert.ToHexStringLower(_key.PublicKey.Export(KeyBlobFormat.RawPublicKey));

    public string Sign(string timestamp, byte[] body) =>
        Convert.ToHexStringLower(SignatureAlgorithm.Ed25519.Sign(_key, [.. Encoding.ASCII.GetBytes(timestamp), .. body]));

    public static string Timestamp(DateTimeOffset at) => at.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);

    /// <summary>A POST of the body to the interactions endpoint, signed at <paramref name="at"/>.</summary>
    public HttpRequestMessage Request(string body, DateTimeOffset at, Func<string, string>? tamperSignature = null)
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        var timestamp = Timestamp(at);
        var signature = Sign(timestamp, bytes);
        var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/api/discord/interactions", UriKind.Relative)) { Content = new ByteArrayContent(bytes) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Add("X-Signature-Ed25519", tamperSignature is null ? signature : tamperSignature(signature));
        request.Headers.Add("X-Signature-Timestamp", timestamp);
        return request;
    }

    public void Dispose() => _key.Dispose();
}
