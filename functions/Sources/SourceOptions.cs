namespace Serverless.Functions.Sources;

/// <summary><c>Sources:{source}</c>: one named options instance per source.</summary>
public sealed class SourceOptions
{
    public const string Section = "Sources";

    /// <summary>The source's signing secret or token (env <c>Sources__{source}__Secret</c>).</summary>
    public string? Secret { get; set; }
}
