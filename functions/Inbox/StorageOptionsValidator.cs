using Microsoft.Extensions.Options;

namespace Serverless.Functions.Inbox;

public sealed class StorageOptionsValidator : IValidateOptions<StorageOptions>
{
    public ValidateOptionsResult Validate(string? name, StorageOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrWhiteSpace(options.PayloadContainer) || options.PayloadContainer.Length is < 3 or > 63)
        {
            return ValidateOptionsResult.Fail("Storage:PayloadContainer must be a blob container name of 3 to 63 characters.");
        }

        if (!string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            var cs = options.ConnectionString;
            if (!cs.Contains("UseDevelopmentStorage=true", StringComparison.OrdinalIgnoreCase)
                && !cs.Contains("AccountName=", StringComparison.OrdinalIgnoreCase)
                && !cs.Contains("QueueEndpoint=", StringComparison.OrdinalIgnoreCase))
            {
                return ValidateOptionsResult.Fail("Storage:ConnectionString is not a storage connection string (expected AccountName=... or UseDevelopmentStorage=true).");
            }

            return ValidateOptionsResult.Success;
        }

        if (options.ServiceUri is { } uri)
        {
            if (!uri.IsAbsoluteUri || uri.Scheme != Uri.UriSchemeHttps)
            {
                return ValidateOptionsResult.Fail("Storage:ServiceUri must be an absolute https URL such as https://ACCOUNT.queue.core.windows.net.");
            }

            if (options.BlobServiceUri is null && !uri.Host.Contains(".queue.", StringComparison.OrdinalIgnoreCase))
            {
                return ValidateOptionsResult.Fail("Storage:BlobServiceUri must be set when Storage:ServiceUri is not a *.queue.* host.");
            }
        }

        return ValidateOptionsResult.Success;
    }
}
