using System.Security.Cryptography;
using System.Text;

namespace Serverless.Relay;

/// <summary>Where the relay keeps files of its own: the XDG base directories, or their Windows equivalents.</summary>
public static class UserFolders
{
    public const string AppFolder = "serverless-relay";

    public static string State(Func<string, string?> environment) =>
        FromEnvironment(environment, "XDG_STATE_HOME", Environment.SpecialFolder.LocalApplicationData, ".local", "state");

    public static string Config(Func<string, string?> environment) =>
        FromEnvironment(environment, "XDG_CONFIG_HOME", Environment.SpecialFolder.ApplicationData, ".config");

    /// <summary><c>ROOT/serverless-relay/{channel}-{hash of the app URL}.{extension}</c>: one file per function app and channel.</summary>
    public static string PerAppFile(string root, Uri url, string channel, string extension)
    {
        ArgumentNullException.ThrowIfNull(url);
        var app = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(url.AbsoluteUri)))[..12];
        return Path.Combine(root, AppFolder, $"{channel}-{app}.{extension}");
    }

    private static string FromEnvironment(Func<string, string?> environment, string variable, Environment.SpecialFolder windows, params string[] underHome)
    {
        ArgumentNullException.ThrowIfNull(environment);
        var root = environment(variable);
        if (!string.IsNullOrWhiteSpace(root))
        {
            return root;
        }

        if (OperatingSystem.IsWindows())
        {
            return Environment.GetFolderPath(windows);
        }

        var home = environment("HOME");
        return Path.Combine([string.IsNullOrWhiteSpace(home) ? Environment.GetFolderPath(Environment.SpecialFolder.UserProfile) : home, .. underHome]);
    }
}
