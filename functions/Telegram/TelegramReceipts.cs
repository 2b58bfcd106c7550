using System.Text.Json.Serialization;

namespace Serverless.Functions.Telegram;

/// <summary>Which chats get a reaction on a message once it has been shown in the session (<c>Telegram:Receipts</c>).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<TelegramReceipts>))]
public enum TelegramReceipts
{
    /// <summary>No receipts.</summary>
    Off,

    /// <summary>Private chats only: in a group a reaction on every message would be noise for everyone else.</summary>
    PrivateChats,

    /// <summary>Private chats and groups.</summary>
    AllChats,
}
