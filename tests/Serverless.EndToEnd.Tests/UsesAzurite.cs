namespace Serverless.EndToEnd.Tests;

/// <summary>The tests that share one Azurite.</summary>
[CollectionDefinition(Name)]
public sealed class UsesAzurite : ICollectionFixture<AzuriteFixture>
{
    public const string Name = "Azurite";
}
