namespace Serverless.Functions.Chat;

/// <summary>
/// The settings every chat transport has beside its own secrets (Slack's and Discord's sections): who may talk
/// to it, which conversations talk as groups, where a channel's notifications go, and receipts.
/// </summary>
public abstract class ChatTransportOptions
{
    protected ChatTransportOptions(Uri apiBaseUrl, string receiptEmoji)
    {
        ApiBaseUrl = apiBaseUrl;
        ReceiptEmoji = receiptEmoji;
    }

    /// <summary>The service's API; tests point it at a local fake.</summary>
    public Uri ApiBaseUrl { get; set; }

    /// <summary><c>Pairing</c> (strangers get a code in private), <c>Allowlist</c> or <c>Disabled</c>.</summary>
    public ChatPolicy Policy { get; set; } = ChatPolicy.Pairing;

    /// <summary>User ids allowed on every channel from the start; pairing adds more, per channel.</summary>
    public IList<string> AllowedUsers { get; } = [];

    /// <summary>Group conversations (channel ids) where allowed users may talk to the session; any other is refused.</summary>
    public IList<string> AllowedChannels { get; } = [];

    /// <summary>The relay channel a conversation talks to until <c>/channel NAME</c> switches it.</summary>
    public string DefaultChannel { get; set; } = RelayApiDefaults.Channel;

    /// <summary>Per relay channel, the conversation id that gets replies to webhook events (<c>{Section}:NotificationChats:{channel}</c>).</summary>
    public Dictionary<string, string> NotificationChats { get; } = new(StringComparer.Ordinal);

    /// <summary>Which conversations see that the session has their message: a reaction once it was shown.</summary>
    public ChatReceipts Receipts { get; set; } = ChatReceipts.PrivateChats;

    /// <summary>The receipt reaction, as the service spells it.</summary>
    public string ReceiptEmoji { get; set; }
}
