using System.Diagnostics;
using System.Reflection;

using Serverless.Testing;

namespace Serverless.Tests.Deployment;

/// <summary>The Bicep CLI from the Azure.Bicep.CommandLine.linux-x64 package the build restored.</summary>
public static class BicepCli
{
    public static string Path
    {
        get
        {
            var package = typeof(BicepCli).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "BicepPackage").Value!;
            var path = System.IO.Path.Combine(package, "tools", "bicep");
            if (!OperatingSystem.IsWindows())
            {
                // NuGet does not keep the execute bit of files it extracts.
                File.SetUnixFileMode(path, File.GetUnixFileMode(path) | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
            }

            return path;
        }
    }

    public static async Task<(int ExitCode, string Output)> RunAsync(params string[] arguments)
    {
        var start = new ProcessStartInfo(Path)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Repository.Root,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // Bicep would otherwise try to reach the internet for telemetry and module metadata.
        start.Environment["BICEP_TRACING_ENABLED"] = "false";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(3));
        return (process.ExitCode, (await stdout) + (await stderr));
    }
}
