using Microsoft.Azure.Functions.Worker.Builder;
using Serverless.Functions.Hosting;

namespace Serverless.Functions;

/// <summary>
/// The .NET isolated worker the Azure Functions host starts, with ASP.NET Core integration: each
/// <c>[Function]</c> hands its request to the endpoint the local server maps for the same route.
/// </summary>
public static class FunctionsWorker
{
    /// <param name="configure">Adds settings (runs before the settings are read).</param>
    /// <param name="configureServices">Replaces services (runs after the app's own registrations).</param>
    public static IHost Build(
        string[] args, Action<FunctionsApplicationBuilder>? configure = null, Action<IServiceCollection>? configureServices = null)
    {
        var builder = FunctionsApplication.CreateBuilder(args);
        builder.ConfigureFunctionsWebApplication();
        configure?.Invoke(builder);
        builder.AddServerless(AppHost.FunctionsHost);
        builder.Services.AddSingleton<FunctionEndpoints>();
        configureServices?.Invoke(builder.Services);
        return builder.Build();
    }
}
