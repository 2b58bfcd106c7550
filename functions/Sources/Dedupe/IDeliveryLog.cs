namespace Serverless.Functions.Sources.Dedupe;

/// <summary>Remembers provider deliveries for a while, so a redelivery is answered 200 and stored only once.</summary>
public interface IDeliveryLog
{
    Task<bool> SeenAsync(string source, string channel, string key, CancellationToken cancellationToken);

    Task RecordAsync(string source, string channel, string key, TimeSpan retention, CancellationToken cancellationToken);
}
