using System.Text.Json.Serialization;

namespace Serverless.Functions.Slack;

/// <summary>Which conversations get a reaction on a message once it has been shown in the session (<c>Slack:Receipts</c>).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<SlackReceipts>))]
public enum SlackReceipts
{
    /// <summary>No receipts.</summary>
    Off,

    /// <summary>Direct messages only: in a channel a reaction on every message would be noise for everyone else.</summary>
    PrivateChats,

    /// <summary>Direct messages and channels.</summary>
    AllChats,
}
