using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using Serverless.Functions.Hosting;

namespace Serverless.Functions.WebPubSub;

public sealed partial class WebPubSubOptionsValidator(DeploymentMode mode) : IValidateOptions<WebPubSubOptions>
{
    public ValidateOptionsResult Validate(string? name, WebPubSubOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!HubName().IsMatch(options.Hub ?? string.Empty))
        {
            return ValidateOptionsResult.Fail(
                "WebPubSub:Hub must start with a letter and hold only letters, digits and underscores (at most 128 characters).");
        }

        if (mode.EmbeddedWebPubSub && mode.Host == AppHost.FunctionsHost && !mode.RunsInAzure)
        {
            return ValidateOptionsResult.Fail(
                "WebPubSub:ConnectionString or WebPubSub:Endpoint is required under the Functions host (func start): the host forwards only function routes, so the embedded Web PubSub endpoint cannot be served. Run `dotnet run --project functions` for the local default instead.");
        }

        if (mode.EmbeddedWebPubSub && !mode.IsLocalDefault)
        {
            // The embedded endpoint is for one machine; anywhere else it would be an open door.
            return ValidateOptionsResult.Fail(
                "WebPubSub:ConnectionString or WebPubSub:Endpoint is required: the embedded Web PubSub endpoint serves only the local default (no Azure settings, or the storage emulator), and this app has Azure storage or runs in Azure.");
        }

        if (!string.IsNullOrEmpty(options.EmbeddedAccessKey) && (options.EmbeddedAccessKey.Length < 16 || DevelopmentSecrets.IsWellKnown(options.EmbeddedAccessKey)))
        {
            return ValidateOptionsResult.Fail("WebPubSub:EmbeddedAccessKey must be at least 16 characters long and not a published key (or left unset for a random key).");
        }

        if (!string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            if (!WebPubSubConnectionString.TryParse(options.ConnectionString, out var parsed, out var error))
            {
                return ValidateOptionsResult.Fail($"WebPubSub:ConnectionString is not valid: {error}.");
            }

            if (!mode.IsLocalDefault && DevelopmentSecrets.IsWellKnown(parsed.AccessKey))
            {
                return ValidateOptionsResult.Fail("WebPubSub:ConnectionString uses the well-known development key, which is refused outside the local default.");
            }
        }
        else if (options.Endpoint is { } endpoint && (!endpoint.IsAbsoluteUri || endpoint.Scheme != Uri.UriSchemeHttps))
        {
            return ValidateOptionsResult.Fail("WebPubSub:Endpoint must be an absolute https URL such as https://NAME.webpubsub.azure.com.");
        }

        return ValidateOptionsResult.Success;
    }

    [GeneratedRegex(@"\A[A-Za-z][A-Za-z0-9_]{0,127}\z")]
    private static partial Regex HubName();
}
