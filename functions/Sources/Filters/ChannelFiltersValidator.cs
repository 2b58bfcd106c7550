using Microsoft.Extensions.Options;
using Serverless.Functions.Events;

namespace Serverless.Functions.Sources.Filters;

/// <summary>Checks every configured channel filter at start-up.</summary>
public sealed class ChannelFiltersValidator : IValidateOptions<Dictionary<string, ChannelFilter>>
{
    public ValidateOptionsResult Validate(string? name, Dictionary<string, ChannelFilter> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        foreach (var (channel, filter) in options)
        {
            if (!ChannelName.IsValid(channel))
            {
                failures.Add($"Channels:{channel}: {ChannelName.Rule}.");
            }

            if (filter.MinSeverity is { } min && !Severity.All.Contains(min))
            {
                failures.Add($"Channels:{channel}:MinSeverity must be one of {string.Join(", ", Severity.All)}.");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
