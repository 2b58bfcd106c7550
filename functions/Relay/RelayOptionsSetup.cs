using Microsoft.Extensions.Options;
using Serverless.Functions.Hosting;

namespace Serverless.Functions.Relay;

/// <summary>Supplies the development token on the local default and refuses weak settings elsewhere.</summary>
public sealed class RelayOptionsSetup(DeploymentMode mode) : IPostConfigureOptions<RelayOptions>, IValidateOptions<RelayOptions>
{
    public void PostConfigure(string? name, RelayOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (mode.IsLocalDefault && !options.Tokens.Any(t => !string.IsNullOrWhiteSpace(t)))
        {
            options.Tokens.Add(DevelopmentSecrets.RelayToken);
        }
    }

    public ValidateOptionsResult Validate(string? name, RelayOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var tokens = options.Tokens.Where(t => !string.IsNullOrWhiteSpace(t)).ToList();
        if (tokens.Count == 0)
        {
            return ValidateOptionsResult.Fail("Relay:Tokens is empty: set at least one relay token (env Relay__Tokens__0).");
        }

        if (!mode.IsLocalDefault && tokens.Any(DevelopmentSecrets.IsWellKnown))
        {
            return ValidateOptionsResult.Fail("Relay:Tokens holds a well-known development token, which is refused outside the local default.");
        }

        if (!mode.IsLocalDefault && tokens.Any(t => t.Length < 16))
        {
            return ValidateOptionsResult.Fail("Relay:Tokens: every relay token must be at least 16 characters long.");
        }

        if (options.ClientAccessLifetime <= TimeSpan.Zero || options.ClientAccessLifetime > TimeSpan.FromDays(1))
        {
            return ValidateOptionsResult.Fail("Relay:ClientAccessLifetime must be between 1 second and 1 day.");
        }

        return ValidateOptionsResult.Success;
    }
}
