namespace Serverless.Relay.Playbooks;

/// <summary>Where the playbook comes from: <c>--playbook FILE</c>, else <c>.claude/channel-playbook.md</c> in the project Claude Code started the relay in.</summary>
public static class PlaybookFile
{
    public const string DefaultPath = ".claude/channel-playbook.md";

    /// <summary>The playbook, <see cref="Playbook.None"/> when there is no file, or an error that names the file and line.</summary>
    public static (Playbook? Playbook, string? Error) Load(string? explicitPath, string currentDirectory)
    {
        var path = explicitPath ?? Path.Combine(currentDirectory, DefaultPath);
        if (!File.Exists(path))
        {
            return explicitPath is null ? (Playbook.None, null) : (null, $"the playbook '{explicitPath}' does not exist");
        }

        try
        {
            return (PlaybookParser.Parse(File.ReadAllText(path), Path.GetFullPath(path)), null);
        }
        catch (PlaybookException ex)
        {
            return (null, $"the playbook cannot be read: {ex.Message}");
        }
        catch (IOException ex)
        {
            return (null, $"the playbook '{path}' cannot be read: {ex.Message}");
        }
    }
}
