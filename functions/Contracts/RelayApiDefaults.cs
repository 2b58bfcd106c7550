namespace Serverless.Contracts;

/// <summary>The values both sides assume when nothing says otherwise.</summary>
public static class RelayApiDefaults
{
    /// <summary>Where <c>dotnet run --project functions</c> listens, and where a relay looks without <c>RELAY_URL</c>.</summary>
    public const string LocalUrl = "http://localhost:7071";

    /// <summary>The channel of a relay without <c>--channel</c>, and of Telegram chats without <c>/channel</c>.</summary>
    public const string Channel = "default";

    /// <summary>Events a backlog call returns when it names no <c>max</c>, and the most it returns.</summary>
    public const int BacklogBatch = 32;

    public const int MaxBacklogBatch = 100;

    /// <summary>How long a received event stays invisible to other receivers, when the call names no time, and the longest.</summary>
    public const int VisibilitySeconds = 60;

    public const int MaxVisibilitySeconds = 3600;

    /// <summary>The most receipts one ack or release call carries.</summary>
    public const int MaxReceiptsPerCall = 500;
}
