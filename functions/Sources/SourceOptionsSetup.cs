using Microsoft.Extensions.Options;
using Serverless.Functions.Hosting;

namespace Serverless.Functions.Sources;

/// <summary>Gives the generic source its development token on the local default; refuses well-known secrets elsewhere.</summary>
public sealed class SourceOptionsSetup(DeploymentMode mode) : IPostConfigureOptions<SourceOptions>, IValidateOptions<SourceOptions>
{
    public void PostConfigure(string? name, SourceOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (mode.IsLocalDefault && name == Generic.GenericSource.SourceName && string.IsNullOrWhiteSpace(options.Secret))
        {
            options.Secret = DevelopmentSecrets.WebhookToken;
        }
    }

    public ValidateOptionsResult Validate(string? name, SourceOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!mode.IsLocalDefault && DevelopmentSecrets.IsWellKnown(options.Secret))
        {
            return ValidateOptionsResult.Fail($"Sources:{name}:Secret is a well-known development secret, which is refused outside the local default.");
        }

        return ValidateOptionsResult.Success;
    }
}
