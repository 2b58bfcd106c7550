using Microsoft.Extensions.Options;
using Serverless.Functions.Chat;

namespace Serverless.Functions.Chat.Telegram;

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

        ChatOptionsRules.Check(
            TelegramOptions.Section, options.Policy, options.Receipts, options.ReceiptEmoji, options.DefaultChannel, options.ApiBaseUrl,
            "an emoji Telegram allows as a reaction", failures);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
