using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Serverless.Functions.Events;
using Serverless.Functions.Chat.Discord;
using Serverless.Functions.Hosting;
using Serverless.Functions.Chat.Slack;
using Serverless.Functions.Chat.Telegram;

namespace Serverless.Functions.Relay;

/// <summary>
/// Supplies the development token (every channel) on the local default, unless a chat bot (Telegram or
/// Slack or Discord) is configured, and refuses weak or unbound tokens everywhere else.
/// </summary>
public sealed partial class RelayOptionsSetup(DeploymentMode mode, IConfiguration configuration) : IPostConfigureOptions<RelayOptions>, IValidateOptions<RelayOptions>
{
    public const int MinimumTokenLength = 16;

    public void PostConfigure(string? name, RelayOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (mode.IsLocalDefault && !ChatBotConfigured() && !options.Tokens.Any(HasValue) && !HasBareTokens())
        {
            options.Tokens.Add(new RelayTokenOptions { Secret = DevelopmentSecrets.RelayToken, Channels = ChannelSet.Every });
        }
    }

    public ValidateOptionsResult Validate(string? name, RelayOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (HasBareTokens())
        {
            return ValidateOptionsResult.Fail(
                "Relay:Tokens:N must name the channels its token may use: set Relay:Tokens:N:Secret (or :Sha256) and Relay:Tokens:N:Channels (for example 'ops' or '*' for all), instead of Relay:Tokens:N alone.");
        }

        var tokens = options.Tokens.Where(HasValue).ToList();
        if (tokens.Count == 0)
        {
            return ValidateOptionsResult.Fail(ChatBotConfigured() && mode.IsLocalDefault
                ? "Relay:Tokens is empty: with a chat bot (Telegram, Slack or Discord) configured the public development relay token is not accepted (anyone could approve pairings with it); set Relay:Tokens:0:Secret and Relay:Tokens:0:Channels."
                : "Relay:Tokens is empty: set at least one relay token (env Relay__Tokens__0__Secret and Relay__Tokens__0__Channels).");
        }

        var errors = new List<string>();
        for (var i = 0; i < options.Tokens.Count; i++)
        {
            var token = options.Tokens[i];
            if (!HasValue(token))
            {
                continue;
            }

            if (!string.IsNullOrEmpty(token.Secret) && !string.IsNullOrEmpty(token.Sha256))
            {
                errors.Add($"Relay:Tokens:{i} has both Secret and Sha256; give one.");
            }

            if (!string.IsNullOrEmpty(token.Sha256) && !Sha256Pattern().IsMatch(token.Sha256))
            {
                errors.Add($"Relay:Tokens:{i}:Sha256 must be 64 hexadecimal characters (the SHA-256 of the token).");
            }

            var channels = ChannelSet.Parse(token.Channels);
            if (channels.Count == 0)
            {
                errors.Add($"Relay:Tokens:{i}:Channels is empty: name the channels this token may use, or '*' for all.");
            }

            foreach (var channel in channels.Where(c => c != ChannelSet.Every && !ChannelName.IsValid(c)))
            {
                errors.Add($"Relay:Tokens:{i}:Channels holds '{channel}': {ChannelName.Rule}.");
            }

            var wellKnown = DevelopmentSecrets.IsWellKnown(token.Secret) || DevelopmentSecrets.IsWellKnownHash(token.Sha256);
            if (wellKnown && !(mode.IsLocalDefault && !ChatBotConfigured()))
            {
                errors.Add($"Relay:Tokens:{i} is a well-known development token, which is refused outside the local default and whenever a chat bot (Telegram, Slack or Discord) is configured.");
            }
            else if (token.Secret is { } value && !mode.IsLocalDefault && value.Length < MinimumTokenLength)
            {
                errors.Add($"Relay:Tokens:{i}: every relay token must be at least {MinimumTokenLength} characters long.");
            }
        }

        if (options.ClientAccessLifetime <= TimeSpan.Zero || options.ClientAccessLifetime > TimeSpan.FromDays(1))
        {
            errors.Add("Relay:ClientAccessLifetime must be between 1 second and 1 day.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static bool HasValue(RelayTokenOptions token) => !string.IsNullOrWhiteSpace(token.Secret) || !string.IsNullOrWhiteSpace(token.Sha256);

    // Pairing lets whoever holds a relay token admit a stranger to a channel, who could then approve tool use:
    // not with a token anyone can read.
    private bool ChatBotConfigured() =>
        !string.IsNullOrWhiteSpace(configuration[$"{TelegramOptions.Section}:BotToken"])
        || !string.IsNullOrWhiteSpace(configuration[$"{SlackOptions.Section}:BotToken"])
        || !string.IsNullOrWhiteSpace(configuration[$"{DiscordOptions.Section}:BotToken"]);

    /// <summary>The earlier form <c>Relay:Tokens:N = TOKEN</c>, which bound a token to no channel in particular.</summary>
    private bool HasBareTokens() =>
        configuration.GetSection($"{RelayOptions.Section}:Tokens").GetChildren().Any(c => !string.IsNullOrEmpty(c.Value));

    [GeneratedRegex(@"\A[0-9a-fA-F]{64}\z")]
    private static partial Regex Sha256Pattern();
}
