using Serverless.Contracts;

namespace Serverless.Relay.Connection;

/// <summary>
/// An event's <c>chat_id</c> names its chat transport: <c>slack:…</c> and <c>discord:…</c> by their prefix,
/// Telegram's bare numbers by having none.
/// </summary>
public static class ChatReference
{
    public const string Telegram = ChatTransportNames.Telegram;

    /// <summary>How messages name a chat service (an older app only pairs Telegram, so no name is Telegram).</summary>
    public static string DisplayName(string? transport) => transport switch
    {
        null or Telegram => "Telegram",
        "slack" => "Slack",
        "discord" => "Discord",
        _ => transport,
    };

    public static string TransportOf(string chatId)
    {
        ArgumentNullException.ThrowIfNull(chatId);
        var colon = chatId.IndexOf(':', StringComparison.Ordinal);
        return colon > 0 && chatId[..colon].All(char.IsAsciiLetterLower) ? chatId[..colon] : Telegram;
    }
}
