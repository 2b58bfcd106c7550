namespace Serverless.EndToEnd.Tests;

/// <summary>
/// Tests that time the relay (it must exit within 2 s of stdin closing) run alone, after the others,
/// so a parallel build or publish on a two-core machine cannot make them slow.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class RunsAlone
{
    public const string Name = "Runs alone";
}
