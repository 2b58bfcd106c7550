using Microsoft.AspNetCore.Http;

namespace Serverless.Functions.Sources;

/// <summary>One webhook request as a source adapter sees it: the raw body and the request's headers.</summary>
public sealed record WebhookDelivery(
    string Source,
    string Channel,
    ReadOnlyMemory<byte> Body,
    string? ContentType,
    IHeaderDictionary Headers,
    IQueryCollection Query);
