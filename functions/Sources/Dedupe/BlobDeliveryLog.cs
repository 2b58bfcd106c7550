using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Serverless.Functions.Inbox;

namespace Serverless.Functions.Sources.Dedupe;

/// <summary>
/// The durable delivery log: one empty blob per delivery, named by a hash of its key, whose metadata
/// says until when it counts. Shared by every instance of the app.
/// </summary>
public sealed class BlobDeliveryLog(BlobContainerClient container, TimeProvider timeProvider) : IDeliveryLog
{
    private const string ExpiresKey = "expires";
    private readonly CreateOnce _container = new(() => container.CreateIfNotExistsAsync(cancellationToken: CancellationToken.None));

    public async Task<bool> SeenAsync(string source, string channel, string key, CancellationToken cancellationToken)
    {
        await _container.EnsureAsync(cancellationToken);
        try
        {
            var properties = await container.GetBlobClient(Name(source, channel, key)).GetPropertiesAsync(cancellationToken: cancellationToken);
            return properties.Value.Metadata.TryGetValue(ExpiresKey, out var text)
                && long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var expires)
                && DateTimeOffset.FromUnixTimeSeconds(expires) > timeProvider.GetUtcNow();
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return false;
        }
    }

    public async Task RecordAsync(string source, string channel, string key, TimeSpan retention, CancellationToken cancellationToken)
    {
        await _container.EnsureAsync(cancellationToken);
        var expires = (timeProvider.GetUtcNow() + retention).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        await container.GetBlobClient(Name(source, channel, key)).UploadAsync(
            BinaryData.Empty,
            new BlobUploadOptions { Metadata = new Dictionary<string, string> { [ExpiresKey] = expires } },
            cancellationToken);
    }

    private static string Name(string source, string channel, string key) =>
        $"{source}/{channel}/{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)))}";
}
