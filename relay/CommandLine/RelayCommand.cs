namespace Serverless.Relay.CommandLine;

/// <summary>How to start this same relay again from anywhere: an absolute executable and its leading arguments.</summary>
public sealed record RelayCommand(string Executable, IReadOnlyList<string> Arguments)
{
    /// <summary>
    /// The command that started this process: an installed .NET tool by its shim (which stays put across
    /// tool updates, unlike the versioned file behind it), a published executable, or <c>dotnet relay.dll</c>.
    /// </summary>
    public static RelayCommand Current()
    {
        var processPath = Environment.ProcessPath ?? throw new InvalidOperationException("The path of this process is unknown.");
        if (Path.GetFileNameWithoutExtension(processPath).Equals("dotnet", StringComparison.OrdinalIgnoreCase))
        {
            // Started as `dotnet relay.dll` (or by `dotnet run`): the dll runs without a build.
            return new RelayCommand(processPath, [Path.Combine(AppContext.BaseDirectory, "relay.dll")]);
        }

        return new RelayCommand(ToolShimFor(processPath) ?? Path.GetFullPath(processPath), []);
    }

    /// <summary>For a file inside a tool path's <c>.store</c> folder, the shim beside that folder, if there is one.</summary>
    public static string? ToolShimFor(string executable)
    {
        ArgumentNullException.ThrowIfNull(executable);
        for (var directory = Path.GetDirectoryName(Path.GetFullPath(executable)); directory is not null; directory = Path.GetDirectoryName(directory))
        {
            if (Path.GetFileName(directory) == ".store")
            {
                var shim = Path.Combine(Path.GetDirectoryName(directory)!, Path.GetFileName(executable));
                return File.Exists(shim) ? shim : null;
            }
        }

        return null;
    }
}
