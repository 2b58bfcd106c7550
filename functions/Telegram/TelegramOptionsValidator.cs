using Microsoft.Extensions.Options;
using Serverless.Functions.Events;
using Serverless.Functions.Chat;

namespace Serverless.Functions.Telegram;

public sealed class TelegramOptionsValidator : IValidateOptions<TelegramOptions>
{
    public ValidateOptionsResult Validate(string? name, TelegramOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!options.Enabled)
        {
            return ValidateOptionsResult.Success;
        }

        var failures = new List<string>();
        if (string.IsNullOrEmpty(options.SecretToken) || options.SecretToken.Length < 16 || options.SecretToken.Length > 256
            || !options.SecretToken.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-'))
        {
            failures.Add("Telegram:SecretToken must be 16 to 256 characters of A-Z, a-z, 0-9, _ and - (it is passed to setWebhook as secret_token).");
        }

        if (!Enum.IsDefined(options.Policy))
        {
            failures.Add("Telegram:Policy must be pairing, allowlist or disabled.");
        }

        if (!Enum.IsDefined(options.Receipts))
        {
            failures.Add("Telegram:Receipts must be Off, PrivateChats or AllChats.");
        }

        if (options.Receipts != ChatReceipts.Off && string.IsNullOrWhiteSpace(options.ReceiptEmoji))
        {
            failures.Add("Telegram:ReceiptEmoji must be an emoji Telegram allows as a reaction (or set Telegram:Receipts to Off).");
        }

        if (!ChannelName.IsValid(options.DefaultChannel))
        {
            failures.Add($"Telegram:DefaultChannel: {ChannelName.Rule}.");
        }

        if (!options.ApiBaseUrl.IsAbsoluteUri)
        {
            failures.Add("Telegram:ApiBaseUrl must be an absolute URL.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
