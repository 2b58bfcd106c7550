using Serverless.Functions.Events;

namespace Serverless.Functions.Inbox;

/// <summary>
/// A receipt is <c>{eventId}~{messageId}:{popReceipt}</c>: which event (so an acknowledgement can be written to
/// its history without reading the message), which message, and proof of the latest receive of it. A receipt
/// without the event id (<c>{messageId}:{popReceipt}</c>) still works.
/// </summary>
public static class InboxReceipt
{
    private const char EventSeparator = '~';

    public static string Create(string messageId, string popReceipt) => $"{messageId}:{popReceipt}";

    public static string Create(string eventId, string messageId, string popReceipt) => $"{eventId}{EventSeparator}{messageId}:{popReceipt}";

    /// <summary>The event a receipt names, or null for a receipt without one.</summary>
    public static string? EventIdOf(string receipt)
    {
        ArgumentNullException.ThrowIfNull(receipt);
        var separator = receipt.IndexOf(EventSeparator, StringComparison.Ordinal);
        var colon = receipt.IndexOf(':', StringComparison.Ordinal);
        // The id comes back from the relay: only a plain id (letters and digits) is taken as one.
        return separator > 0 && (colon < 0 || separator < colon) && ChannelEvent.IsValidId(receipt.AsSpan(0, separator))
            ? receipt[..separator]
            : null;
    }

    public static bool TryParse(string receipt, out string messageId, out string popReceipt)
    {
        ArgumentNullException.ThrowIfNull(receipt);
        if (EventIdOf(receipt) is { } eventId)
        {
            receipt = receipt[(eventId.Length + 1)..];
        }

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
