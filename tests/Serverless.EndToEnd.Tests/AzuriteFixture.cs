namespace Serverless.EndToEnd.Tests;

/// <summary>One Azurite for the durability tests; each test uses its own channels.</summary>
public sealed class AzuriteFixture : IAsyncLifetime
{
    public Azurite Azurite { get; } = new();

    public Task InitializeAsync() => Azurite.StartAsync();

    public Task DisposeAsync() => Azurite.DisposeAsync().AsTask();
}
