namespace Serverless.Functions.Relay;

public sealed class RelayOptions
{
    public const string Section = "Relay";

    /// <summary>Accepted relay tokens, each bound to its channels; more than one while a token is being rotated.</summary>
    public IList<RelayTokenOptions> Tokens { get; } = [];

    /// <summary>How long a client access URL issued by negotiate stays valid.</summary>
    public TimeSpan ClientAccessLifetime { get; set; } = TimeSpan.FromHours(1);
}
