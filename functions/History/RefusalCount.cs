namespace Serverless.Functions.History;

/// <summary>How many deliveries of one source a channel refused for one reason, and when the last one was.</summary>
public sealed record RefusalCount(string Channel, string Source, RefusalReason Reason, long Count, DateTimeOffset LastAt)
{
    /// <summary>
    /// How many channels of one source get counters of their own. A refused delivery names whatever channel its
    /// sender chose, so without a bound every made-up name would leave a counter (a table row in Azure).
    /// </summary>
    public const int MaxChannelsPerSource = 100;

    /// <summary>Where the refusals of every channel past the bound are counted; never a valid channel name.</summary>
    public const string OtherChannels = "(other)";
}
