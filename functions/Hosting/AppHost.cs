namespace Serverless.Functions.Hosting;

/// <summary>What started the process.</summary>
public enum AppHost
{
    /// <summary><c>dotnet run</c>: the app serves its routes on its own Kestrel server.</summary>
    LocalServer,

    /// <summary>The Azure Functions host (in Azure, or <c>func start</c>): the isolated worker, reached through the functions.</summary>
    FunctionsHost,
}
