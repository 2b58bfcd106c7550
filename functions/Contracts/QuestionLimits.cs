namespace Serverless.Contracts;

/// <summary>What an <c>ask_user</c> question may hold, checked by the function app and named in the tool's description.</summary>
public static class QuestionLimits
{
    public const int DefaultTimeoutSeconds = 10 * 60;

    public const int MaxTimeoutSeconds = 24 * 60 * 60;

    /// <summary>Room for the question in one chat message (Telegram's is 4,096 characters), with the bot's own lines around it.</summary>
    public const int MaxQuestionLength = 3000;

    public const int MaxOptions = 10;

    /// <summary>A button's label: longer ones are cut off on a phone.</summary>
    public const int MaxOptionLength = 64;

    public const int MaxKeyLength = 200;

    /// <summary>How long an answered question's key keeps returning its answer (a relay restarted while it waited asks again).</summary>
    public static readonly TimeSpan AnswerReplayWindow = TimeSpan.FromHours(1);

    /// <summary>A timeout in words, as the owner and Claude read it: "45 seconds", "10 minutes", "2 hours".</summary>
    public static string Describe(int seconds) => seconds switch
    {
        1 => "1 second",
        < 120 => $"{seconds} seconds",
        < 2 * 3600 => $"{(seconds + 30) / 60} minutes",
        _ => ((seconds + 30) / 60) is var minutes && minutes % 60 == 0
            ? $"{minutes / 60} hours"
            : $"{minutes / 60} hours {minutes % 60} minutes",
    };

    /// <summary>A question id: 32 lower-case hex digits.</summary>
    public static bool IsQuestionId(string? id) => id is { Length: 32 } && id.All(char.IsAsciiHexDigitLower);
}
