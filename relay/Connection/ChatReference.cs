using Serverless.Contracts;

namespace Serverless.Relay.Connection;

/// <summary>
/// An event's <c>chat_id</c> names its chat transport: <c>slack:…</c> and <c>discord:…</c> by their prefix,
/// Telegram's bare numbers by having none.
/// </summary>
public static class ChatReference
{
    public const string Telegram = ChatTransportNames.Telegram;

    public static string TransportOf(string chatId)
    {
        ArgumentNullException.ThrowIfNull(chatId);
        var colon = chatId.IndexOf(':', StringComparison.Ordinal);
        return colon > 0 && chatId[..colon].All(char.IsAsciiLetterLower) ? chatId[..colon] : Telegram;
    }
}
