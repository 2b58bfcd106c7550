namespace Serverless.Contracts;

/// <summary>A relay API request body that names its channel, so the token check can see it.</summary>
public interface IChannelScoped
{
    string? Channel { get; }
}
