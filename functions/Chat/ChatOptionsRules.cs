using Serverless.Functions.Events;

namespace Serverless.Functions.Chat;

/// <summary>The checks every chat transport's settings share, with messages naming the transport's section.</summary>
public static class ChatOptionsRules
{
    /// <param name="emojiRule">What the service accepts as a receipt reaction, e.g. "an emoji Telegram allows as a reaction".</param>
    public static void Check(
        string section, ChatPolicy policy, ChatReceipts receipts, string? receiptEmoji, string? defaultChannel, Uri apiBaseUrl, string emojiRule, List<string> failures)
    {
        ArgumentNullException.ThrowIfNull(apiBaseUrl);
        ArgumentNullException.ThrowIfNull(failures);
        if (!Enum.IsDefined(policy))
        {
            failures.Add($"{section}:Policy must be pairing, allowlist or disabled.");
        }

        if (!Enum.IsDefined(receipts))
        {
            failures.Add($"{section}:Receipts must be Off, PrivateChats or AllChats.");
        }

        if (receipts != ChatReceipts.Off && string.IsNullOrWhiteSpace(receiptEmoji))
        {
            failures.Add($"{section}:ReceiptEmoji must be {emojiRule} (or set {section}:Receipts to Off).");
        }

        if (!ChannelName.IsValid(defaultChannel))
        {
            failures.Add($"{section}:DefaultChannel: {ChannelName.Rule}.");
        }

        if (!apiBaseUrl.IsAbsoluteUri)
        {
            failures.Add($"{section}:ApiBaseUrl must be an absolute URL.");
        }
    }
}
