namespace Serverless.Relay.Playbooks;

/// <summary>A playbook that cannot be read, with the file and line to fix.</summary>
public sealed class PlaybookException(string path, int line, string reason) : Exception($"{path}, line {line}: {reason}")
{
    public string Path { get; } = path;

    public int Line { get; } = line;
}
