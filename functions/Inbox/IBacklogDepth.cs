namespace Serverless.Functions.Inbox;

/// <summary>How many events wait in each channel's queue, for the <c>serverless.backlog.depth</c> gauge.</summary>
public interface IBacklogDepth
{
    /// <summary>The latest known depth of each channel this process stored to or took from; never waits on storage.</summary>
    IReadOnlyList<(string Channel, long Depth)> Depths();
}

/// <summary>No depths, for an inbox that cannot count its queues (such as a wrapper around the real one): the gauge stays empty.</summary>
public sealed class NoBacklogDepth : IBacklogDepth
{
    public static readonly NoBacklogDepth Instance = new();

    public IReadOnlyList<(string Channel, long Depth)> Depths() => [];
}
