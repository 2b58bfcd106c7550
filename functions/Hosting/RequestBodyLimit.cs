using Microsoft.AspNetCore.Http.Metadata;

namespace Serverless.Functions.Hosting;

/// <summary>Endpoint metadata that caps the request body; the server answers 413 past it, before any handler reads it.</summary>
public sealed class RequestBodyLimit(long bytes) : IRequestSizeLimitMetadata
{
    /// <summary>The relay API's calls carry small JSON documents.</summary>
    public static readonly RequestBodyLimit RelayApi = new(256 * 1024);

    public long? MaxRequestBodySize { get; } = bytes;
}
