using Microsoft.Extensions.Options;
using Serverless.Functions.Chat;

namespace Serverless.Functions.Chat.Discord;

public sealed class DiscordOptionsValidator : IValidateOptions<DiscordOptions>
{
    public ValidateOptionsResult Validate(string? name, DiscordOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var set = new[] { options.PublicKey, options.ApplicationId, options.BotToken }.Count(s => !string.IsNullOrWhiteSpace(s));
        if (set == 0)
        {
            return ValidateOptionsResult.Success;
        }

        var failures = new List<string>();
        if (set < 3)
        {
            // Half a configuration is a mistake, not "off": say so at start-up rather than answer 404 later.
            failures.Add($"Discord needs all of {DiscordOptions.EnablingSettings} (or none of them, to leave it off).");
        }

        if (!string.IsNullOrWhiteSpace(options.PublicKey) && !DiscordSignature.IsPublicKey(options.PublicKey))
        {
            failures.Add("Discord:PublicKey must be the application's public key from the developer portal: 64 hexadecimal characters.");
        }

        if (!string.IsNullOrWhiteSpace(options.ApplicationId) && !DiscordIds.IsSnowflake(options.ApplicationId))
        {
            failures.Add("Discord:ApplicationId must be the application id from the developer portal (digits only).");
        }

        if (!string.IsNullOrWhiteSpace(options.BotToken) && options.BotToken.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
        {
            failures.Add("Discord:BotToken must be the bot's token from the developer portal's Bot page, without spaces or a 'Bot ' prefix.");
        }

        ChatOptionsRules.Check(
            DiscordOptions.Section, options.Policy, options.Receipts, options.ReceiptEmoji, options.DefaultChannel, options.ApiBaseUrl,
            "a Unicode emoji or a custom one as name:id", failures);
        AddIdFailures(failures, "Discord:AllowedUsers", options.AllowedUsers);
        AddIdFailures(failures, "Discord:AllowedChannels", options.AllowedChannels);
        foreach (var (channel, chat) in options.NotificationChats)
        {
            if (!DiscordIds.IsSnowflake(chat))
            {
                failures.Add($"Discord:NotificationChats:{channel} must be a Discord channel id (digits only).");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void AddIdFailures(List<string> failures, string setting, IList<string> ids)
    {
        for (var i = 0; i < ids.Count; i++)
        {
            if (!DiscordIds.IsSnowflake(ids[i]))
            {
                failures.Add($"{setting}:{i} must be a Discord id (digits only; turn on Developer Mode and use Copy ID).");
            }
        }
    }
}
