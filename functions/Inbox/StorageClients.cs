using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using Azure.Identity;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;

namespace Serverless.Functions.Inbox;

/// <summary>The app's storage clients, created once: queues, blobs and tables of one account.</summary>
public sealed record StorageServiceClients(QueueServiceClient Queues, BlobServiceClient Blobs, TableServiceClient Tables)
{
    public static StorageServiceClients Create(StorageOptions options, TokenCredential credential)
    {
        var (queues, blobs) = StorageClients.Create(options, credential);
        return new StorageServiceClients(queues, blobs, StorageClients.CreateTableService(options, credential));
    }
}

/// <summary>Queue, blob and table clients from a connection string, or from service URIs and the managed identity.</summary>
public static class StorageClients
{
    /// <param name="transport">Where requests go; the default sends them over HTTP (tests record them instead).</param>
    public static (QueueServiceClient Queues, BlobServiceClient Blobs) Create(StorageOptions options, TokenCredential? credential = null, HttpPipelineTransport? transport = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var queueOptions = new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 };
        var blobOptions = new BlobClientOptions();
        if (transport is not null)
        {
            queueOptions.Transport = transport;
            blobOptions.Transport = transport;
        }

        // A webhook waits on this: fail fast (and answer 503) rather than hold the sender for minutes.
        foreach (var retry in new[] { queueOptions.Retry, blobOptions.Retry })
        {
            retry.MaxRetries = 2;
            retry.Delay = TimeSpan.FromMilliseconds(200);
            retry.MaxDelay = TimeSpan.FromSeconds(1);
            retry.NetworkTimeout = TimeSpan.FromSeconds(10);
        }

        if (!string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            return (new QueueServiceClient(options.ConnectionString, queueOptions), new BlobServiceClient(options.ConnectionString, blobOptions));
        }

        credential ??= new DefaultAzureCredential();
        var queueUri = options.ServiceUri ?? throw new InvalidOperationException("Storage:ServiceUri is not set.");
        var blobUri = options.BlobServiceUri ?? BlobUriFor(queueUri);
        return (new QueueServiceClient(queueUri, credential, queueOptions), new BlobServiceClient(blobUri, credential, blobOptions));
    }

    /// <summary>A table client from a connection string, or from the table endpoint matching the queue service URI.</summary>
    public static TableClient CreateTable(StorageOptions options, string tableName, TokenCredential? credential = null, HttpPipelineTransport? transport = null) =>
        CreateTableService(options, credential, transport).GetTableClient(tableName);

    public static TableServiceClient CreateTableService(StorageOptions options, TokenCredential? credential = null, HttpPipelineTransport? transport = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var tableOptions = new TableClientOptions();
        if (transport is not null)
        {
            tableOptions.Transport = transport;
        }

        tableOptions.Retry.MaxRetries = 2;
        tableOptions.Retry.Delay = TimeSpan.FromMilliseconds(200);
        tableOptions.Retry.NetworkTimeout = TimeSpan.FromSeconds(10);
        if (!string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            return new TableServiceClient(options.ConnectionString, tableOptions);
        }

        var queueUri = options.ServiceUri ?? throw new InvalidOperationException("Storage:ServiceUri is not set.");
        var tableUri = new UriBuilder(queueUri) { Host = queueUri.Host.Replace(".queue.", ".table.", StringComparison.OrdinalIgnoreCase) }.Uri;
        return new TableServiceClient(tableUri, credential ?? new DefaultAzureCredential(), tableOptions);
    }

    /// <summary><c>https://acct.queue.core.windows.net</c> becomes <c>https://acct.blob.core.windows.net</c>.</summary>
    public static Uri BlobUriFor(Uri queueServiceUri)
    {
        ArgumentNullException.ThrowIfNull(queueServiceUri);
        var host = queueServiceUri.Host;
        var dot = host.IndexOf(".queue.", StringComparison.OrdinalIgnoreCase);
        if (dot < 0)
        {
            throw new InvalidOperationException("Storage:BlobServiceUri must be set when Storage:ServiceUri is not a *.queue.* host.");
        }

        return new UriBuilder(queueServiceUri) { Host = string.Concat(host.AsSpan(0, dot), ".blob.", host.AsSpan(dot + 7)) }.Uri;
    }
}
