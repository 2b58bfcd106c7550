namespace Serverless.Functions.Inbox;

public sealed class StorageOptions
{
    public const string Section = "Storage";

    /// <summary>A storage connection string; <c>UseDevelopmentStorage=true</c> for Azurite on its default ports.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>The queue service URI, <c>https://ACCOUNT.queue.core.windows.net</c>, reached with the app's managed identity.</summary>
    public Uri? ServiceUri { get; set; }

    /// <summary>The blob service URI; by default derived from <see cref="ServiceUri"/>.</summary>
    public Uri? BlobServiceUri { get; set; }

    /// <summary>Blob container for payloads too large for a queue message.</summary>
    public string PayloadContainer { get; set; } = "event-payloads";
}
