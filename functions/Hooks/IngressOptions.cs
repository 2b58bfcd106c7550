namespace Serverless.Functions.Hooks;

public sealed class IngressOptions
{
    public const string Section = "Ingress";

    /// <summary>Largest accepted webhook body; larger ones get 413.</summary>
    public int MaxBodyBytes { get; set; } = 1024 * 1024;
}
