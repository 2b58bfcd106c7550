namespace Serverless.Relay.Questions;

/// <summary>How an <c>ask_user</c> call waits.</summary>
public sealed record AskUserOptions
{
    /// <summary>How often a waiting call reports progress and reads the question, in case its answer event went elsewhere.</summary>
    public TimeSpan CheckInterval { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>Tries of the ask itself when the function app could not be reached (the key makes a repeat harmless).</summary>
    public int MaxAskAttempts { get; init; } = 3;

    public TimeSpan AskRetryDelay { get; init; } = TimeSpan.FromSeconds(1);
}
