#pragma warning disable CA1050 // The runtime looks for StartupHook in the global namespace.

/// <summary>Run by the runtime in a server process started with DOTNET_STARTUP_HOOKS pointing at this dll.</summary>
internal static class StartupHook
{
    public static void Initialize() => Serverless.Benchmarks.AllocationProbe.Start();
}
