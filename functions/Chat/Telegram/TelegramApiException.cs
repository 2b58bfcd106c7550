using Serverless.Functions.Chat;

namespace Serverless.Functions.Chat.Telegram;

/// <summary>The Bot API refused a call; the message holds Telegram's description, never the token.</summary>
public sealed class TelegramApiException : ChatApiException
{
    public TelegramApiException()
    {
    }

    public TelegramApiException(string message)
        : base(message)
    {
    }

    public TelegramApiException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public int ErrorCode { get; init; }

    /// <summary>Telegram could not read the text's formatting (400 "can't parse entities").</summary>
    public bool IsEntityParseError => ErrorCode == 400 && Message.Contains("can't parse entities", StringComparison.OrdinalIgnoreCase);
}
