namespace Serverless.Functions.Hosting;

/// <summary>Whether the Azure Functions host started this process as its .NET isolated worker.</summary>
public static class FunctionsHostDetection
{
    /// <summary>
    /// The host passes its gRPC address as <c>--functions-uri</c> (and, in newer hosts, also as the
    /// <c>Functions__Worker__HostEndpoint</c> variable); the worker cannot start without it, and
    /// <c>dotnet run</c> never has it.
    /// </summary>
    public static AppHost Detect(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var byArgument = args.Any(a => a == "--functions-uri" || a.StartsWith("--functions-uri=", StringComparison.Ordinal));
        var byVariable = !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("Functions__Worker__HostEndpoint"));
        return byArgument || byVariable ? AppHost.FunctionsHost : AppHost.LocalServer;
    }
}
