namespace Serverless.Functions.Chat;

/// <summary>What a chat transport does with someone who is not allowed yet.</summary>
public enum ChatPolicy
{
    /// <summary>A stranger writing in private gets a pairing code for the owner's <c>relay pair CODE</c>.</summary>
    Pairing,

    /// <summary>Only configured and already paired users; strangers get no answer.</summary>
    Allowlist,

    /// <summary>Nothing from the chat reaches any session.</summary>
    Disabled,
}
