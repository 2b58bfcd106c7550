namespace Serverless.Functions.Inbox;

/// <summary>A receipt is <c>{messageId}:{popReceipt}</c>: which message, and proof of the latest receive of it.</summary>
public static class InboxReceipt
{
    public static string Create(string messageId, string popReceipt) => $"{messageId}:{popReceipt}";

    public static bool TryParse(string receipt, out string messageId, out string popReceipt)
    {
        ArgumentNullException.ThrowIfNull(receipt);
        var separator = receipt.IndexOf(':', StringComparison.Ordinal);
        if (separator <= 0 || separator == receipt.Length - 1)
        {
            (messageId, popReceipt) = (string.Empty, string.Empty);
            return false;
        }

        (messageId, popReceipt) = (receipt[..separator], receipt[(separator + 1)..]);
        return true;
    }
}
