namespace Serverless.Functions.WebPubSub;

public sealed class WebPubSubOptions
{
    public const string Section = "WebPubSub";

    /// <summary><c>Endpoint=...;AccessKey=...;Version=1.0;</c>: access-key authentication.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>The service endpoint alone: Entra ID (managed identity) authentication.</summary>
    public Uri? Endpoint { get; set; }

    /// <summary>The local default's embedded endpoint only: its access key (random per process when not set).</summary>
    public string? EmbeddedAccessKey { get; set; }

    /// <summary>The hub that holds one group per channel.</summary>
    public string Hub { get; set; } = "channels";
}
