using System.Text.Json.Serialization;

namespace Serverless.Functions.Discord;

/// <summary>Which conversations get a reaction on a message once it has been shown in the session (<c>Discord:Receipts</c>).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<DiscordReceipts>))]
public enum DiscordReceipts
{
    Off,

    /// <summary>Direct messages only: in a server channel a reaction on every message would be noise for everyone else.</summary>
    PrivateChats,

    AllChats,
}
