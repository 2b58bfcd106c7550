namespace Serverless.Functions.Inbox;

/// <summary>How many events wait in each channel's queue, for the <c>serverless.backlog.depth</c> gauge.</summary>
public interface IBacklogDepth
{
    /// <summary>The latest known depth of each channel this process stored to or took from; never waits on storage.</summary>
    IReadOnlyList<(string Channel, long Depth)> Depths();
}
