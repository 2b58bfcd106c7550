using Microsoft.Extensions.Options;
using Serverless.Functions.Chat;

namespace Serverless.Functions.Chat.Slack;

public sealed class SlackOptionsValidator : IValidateOptions<SlackOptions>
{
    public ValidateOptionsResult Validate(string? name, SlackOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.SigningSecret) != string.IsNullOrWhiteSpace(options.BotToken))
        {
            // One without the other is a half-done setup: say so at start instead of answering 404 forever.
            failures.Add("Slack needs both Slack:SigningSecret and Slack:BotToken (or neither, to leave Slack off).");
        }

        if (!options.Enabled)
        {
            return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
        }

        if (!options.BotToken!.StartsWith("xoxb-", StringComparison.Ordinal))
        {
            failures.Add("Slack:BotToken must be the app's bot token (xoxb-..., under OAuth & Permissions).");
        }

        // The receipt reaction counts only if it names a Slack reaction (a common emoji is mapped to its name).
        ChatOptionsRules.Check(
            SlackOptions.Section, options.Policy, options.Receipts, SlackEmoji.ToName(options.ReceiptEmoji), options.DefaultChannel, options.ApiBaseUrl,
            "a Slack reaction name such as eyes", failures);

        if (options.BotUserId is { Length: > 0 } bot && !SlackIds.IsUserId(bot))
        {
            failures.Add("Slack:BotUserId must be a user id such as U0123ABC (or unset, to learn it from auth.test).");
        }

        failures.AddRange(options.AllowedUsers.Where(u => !SlackIds.IsUserId(u))
            .Select(u => $"Slack:AllowedUsers: '{u}' is not a user id such as U0123ABC."));
        failures.AddRange(options.AllowedChannels.Where(c => !SlackIds.IsConversationId(c))
            .Select(c => $"Slack:AllowedChannels: '{c}' is not a channel id such as C0123ABC."));
        foreach (var (channel, chat) in options.NotificationChats)
        {
            if (!ChannelName.IsValid(channel))
            {
                failures.Add($"Slack:NotificationChats:{channel}: {ChannelName.Rule}.");
            }

            if (!SlackIds.IsConversationId(chat))
            {
                failures.Add($"Slack:NotificationChats:{channel}: '{chat}' is not a channel id such as C0123ABC.");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
