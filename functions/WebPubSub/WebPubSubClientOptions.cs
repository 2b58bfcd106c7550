using Azure.Core;

namespace Serverless.Functions.WebPubSub;

/// <summary>Pipeline settings for the data-plane client: a few quick retries, a short network timeout.</summary>
public sealed class WebPubSubClientOptions : ClientOptions
{
    public const string ApiVersion = "2024-01-01";

    public WebPubSubClientOptions()
    {
        Retry.MaxRetries = 3;
        Retry.Delay = TimeSpan.FromMilliseconds(200);
        Retry.MaxDelay = TimeSpan.FromSeconds(2);
        Retry.Mode = RetryMode.Exponential;
        Retry.NetworkTimeout = TimeSpan.FromSeconds(10);
        Diagnostics.IsLoggingContentEnabled = false;
    }
}
