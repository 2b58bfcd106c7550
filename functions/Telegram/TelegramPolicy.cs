namespace Serverless.Functions.Telegram;

/// <summary>What the bot does with a message from someone it does not know (<c>Telegram:Policy</c>).</summary>
public enum TelegramPolicy
{
    /// <summary>Strangers get a pairing code that the session's owner can accept with <c>relay pair</c>.</summary>
    Pairing,

    /// <summary>Strangers get no answer; only <c>Telegram:AllowedUsers</c> are heard.</summary>
    Allowlist,

    /// <summary>Every update is ignored.</summary>
    Disabled,
}
