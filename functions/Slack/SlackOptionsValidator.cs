using Microsoft.Extensions.Options;
using Serverless.Functions.Chat;

namespace Serverless.Functions.Slack;

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

        if (!Enum.IsDefined(options.Policy))
        {
            failures.Add("Slack:Policy must be Pairing, Allowlist or Disabled.");
        }

        if (!Enum.IsDefined(options.Receipts))
        {
            failures.Add("Slack:Receipts must be Off, PrivateChats or AllChats.");
        }

        if (options.Receipts != ChatReceipts.Off && SlackEmoji.ToName(options.ReceiptEmoji) is null)
        {
            failures.Add("Slack:ReceiptEmoji must be a Slack reaction name such as eyes (or set Slack:Receipts to Off).");
        }

        if (!ChannelName.IsValid(options.DefaultChannel))
        {
            failures.Add($"Slack:DefaultChannel: {ChannelName.Rule}.");
        }

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

        if (!options.ApiBaseUrl.IsAbsoluteUri || options.ApiBaseUrl.Scheme is not ("https" or "http"))
        {
            failures.Add("Slack:ApiBaseUrl must be an absolute http(s) URL.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
