using System.Text.Json.Serialization;

namespace Serverless.Functions.Chat;

/// <summary>Which chats get a reaction on a message once it has been shown in the session (<c>Telegram:Receipts</c>, <c>Slack:Receipts</c>, ...).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ChatReceipts>))]
public enum ChatReceipts
{
    /// <summary>No receipts.</summary>
    Off,

    /// <summary>Private chats only: in a group a reaction on every message would be noise for everyone else.</summary>
    PrivateChats,

    /// <summary>Private chats and groups.</summary>
    AllChats,
}
