using System.Text.RegularExpressions;
using Markdig;
using Markdig.Extensions.AutoIdentifiers;
using Markdig.Renderers.Html;
using Markdig.Syntax;
using Markdig.Syntax.Inlines;

namespace Serverless.Tests.Docs;

/// <summary>
/// Checks the user documentation (README.md, CONTRIBUTING.md and docs/*.md) against the repository it sits in, and
/// returns one line per problem ("docs/relay.md:12: ..."), none when all is well. Markdig parses the pages as
/// CommonMark with GitHub's tables, and names headings with GitHub's anchors (lower case, spaces to '-', punctuation
/// dropped except '-' and '_', a repeated heading gets -1, -2, ...), so links, tables and code fences are read as
/// GitHub renders them rather than by a hand-written pattern.
/// <para>Links: every link without a scheme (so not http:, https:, mailto:) must name a file or folder inside the
/// repository, relative to the page, and an anchor must be one of the headings of the markdown page it names (or of
/// the page itself for "#anchor").</para>
/// <para>Commands: in fenced blocks of a shell (sh, bash, shell, console), and on "$ " lines of any other fence, a
/// word is a repository path, which must exist, when it is a plain relative path (letters, digits, '.', '_', '-',
/// '/') whose first segment is something at the repository's root that .gitignore does not name: "infra.bicep",
/// "tests/Serverless.Benchmarks", "docs/chat.md" and ".ci/run" are checked; a URL, "~/...", "$VAR", "&lt;name&gt;",
/// a placeholder such as NAME or CHANNEL, a path the user creates (".mcp.json", ".claude/channel-playbook.md") and
/// a build output ("artifacts/functions.zip", git-ignored) are not. The project a dotnet command builds ("dotnet run
/// --project X", "dotnet pack X", "dotnet publish X", "dotnet test X", "dotnet build X") is always checked, so a
/// mistyped first segment there is caught too. Words in a command's comments count as well: they point users at
/// files just the same.</para>
/// </summary>
public static partial class DocsCheck
{
    private static readonly MarkdownPipeline Pipeline = new MarkdownPipelineBuilder()
        .UsePipeTables()
        .UseAutoIdentifiers(AutoIdentifierOptions.GitHub)
        .Build();

    private static readonly HashSet<string> ShellFences = new(StringComparer.OrdinalIgnoreCase) { "sh", "bash", "shell", "console" };

    private static readonly HashSet<string> DotnetBuildCommands = new(StringComparer.Ordinal) { "build", "pack", "publish", "test" };

    /// <summary>The pages checked, relative to the root with '/' separators: README.md, CONTRIBUTING.md, docs/*.md.</summary>
    public static IReadOnlyList<string> Pages(string root)
    {
        var pages = new List<string> { "README.md", "CONTRIBUTING.md" };
        var docs = Path.Combine(root, "docs");
        if (Directory.Exists(docs))
        {
            pages.AddRange(Directory.GetFiles(docs, "*.md").Select(f => "docs/" + Path.GetFileName(f)).Order(StringComparer.Ordinal));
        }

        return pages.Where(p => File.Exists(Path.Combine(root, p))).ToList();
    }

    /// <summary>The anchors GitHub gives the headings of a markdown text, in order.</summary>
    public static IReadOnlyList<string> Anchors(string markdown) =>
        Markdown.Parse(markdown, Pipeline).Descendants<HeadingBlock>().Select(h => h.GetAttributes().Id ?? string.Empty).ToList();

    /// <summary>The relative links of a page as (line, url), line 1-based.</summary>
    public static IEnumerable<(int Line, string Url)> Links(string markdown) =>
        Markdown.Parse(markdown, Pipeline).Descendants<LinkInline>()
            .Where(l => !string.IsNullOrEmpty(l.Url))
            .Select(l => (l.Line + 1, l.Url!));

    public static IReadOnlyList<string> LinkProblems(string root)
    {
        root = Path.GetFullPath(root);
        var anchors = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        HashSet<string> AnchorsOf(string file) =>
            anchors.TryGetValue(file, out var known) ? known : anchors[file] = [.. Anchors(File.ReadAllText(file))];

        var problems = new List<string>();
        foreach (var page in Pages(root))
        {
            var pageFile = Path.Combine(root, page);
            foreach (var (line, url) in Links(File.ReadAllText(pageFile)))
            {
                if (Scheme().IsMatch(url) || url.StartsWith("//", StringComparison.Ordinal))
                {
                    continue;
                }

                var hash = url.IndexOf('#', StringComparison.Ordinal);
                var path = Uri.UnescapeDataString(hash < 0 ? url : url[..hash]);
                var anchor = hash < 0 ? null : url[(hash + 1)..];
                var target = path.Length == 0 ? pageFile : Path.GetFullPath(Path.Combine(Path.GetDirectoryName(pageFile)!, path));

                if (!target.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal) && target != root)
                {
                    problems.Add($"{page}:{line}: link '{url}' leaves the repository");
                }
                else if (!File.Exists(target) && !Directory.Exists(target))
                {
                    problems.Add($"{page}:{line}: link '{url}': no file or folder {Path.GetRelativePath(root, target).Replace('\\', '/')}");
                }
                else if (anchor is not null && !target.EndsWith(".md", StringComparison.OrdinalIgnoreCase))
                {
                    problems.Add($"{page}:{line}: link '{url}' has an anchor, but only markdown pages have headings to point at");
                }
                else if (anchor is not null && !AnchorsOf(target).Contains(anchor))
                {
                    problems.Add($"{page}:{line}: link '{url}': {Path.GetRelativePath(root, target).Replace('\\', '/')} has no heading with the anchor #{anchor}");
                }
            }
        }

        return problems;
    }

    public static IReadOnlyList<string> CommandProblems(string root)
    {
        root = Path.GetFullPath(root);
        var repositoryEntries = RepositoryEntries(root);
        var problems = new List<string>();
        foreach (var page in Pages(root))
        {
            var document = Markdown.Parse(File.ReadAllText(Path.Combine(root, page)), Pipeline);
            foreach (var fence in document.Descendants<FencedCodeBlock>())
            {
                var shell = ShellFences.Contains(fence.Info ?? string.Empty);
                for (var i = 0; i < fence.Lines.Count; i++)
                {
                    var text = fence.Lines.Lines[i].ToString().Trim();
                    if (text.StartsWith("$ ", StringComparison.Ordinal))
                    {
                        text = text[2..];
                    }
                    else if (!shell)
                    {
                        continue;
                    }

                    // The fence's first line is the ``` line itself.
                    var line = fence.Line + 2 + i;
                    foreach (var path in RepositoryPaths(text, repositoryEntries))
                    {
                        if (!File.Exists(Path.Combine(root, path)) && !Directory.Exists(Path.Combine(root, path)))
                        {
                            problems.Add($"{page}:{line}: the command names {path}, which the repository does not have");
                        }
                    }
                }
            }
        }

        return problems;
    }

    /// <summary>The words of one command line that name a repository path, by the rule in the class summary.</summary>
    private static IEnumerable<string> RepositoryPaths(string command, HashSet<string> repositoryEntries)
    {
        var words = command.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries).Select(w => w.Trim('"', '\'', '`', '(', ')', ',', ';', ':')).ToArray();
        for (var i = 0; i < words.Length; i++)
        {
            var word = words[i];
            if (!PlainPath().IsMatch(word))
            {
                continue;
            }

            var builtProject = i > 0 && (words[i - 1] == "--project" || (i > 1 && words[i - 2] == "dotnet" && DotnetBuildCommands.Contains(words[i - 1])));
            if (builtProject || repositoryEntries.Contains(word.Split('/')[0]))
            {
                yield return word.TrimEnd('/');
            }
        }
    }

    /// <summary>What is at the root, less .git and the names .gitignore lists without wildcards (build outputs).</summary>
    private static HashSet<string> RepositoryEntries(string root)
    {
        var ignored = new HashSet<string>(StringComparer.Ordinal) { ".git" };
        var gitignore = Path.Combine(root, ".gitignore");
        if (File.Exists(gitignore))
        {
            foreach (var pattern in File.ReadAllLines(gitignore).Select(l => l.Trim()))
            {
                if (pattern.Length > 0 && !pattern.StartsWith('#') && !pattern.StartsWith('!') && pattern.IndexOfAny(['*', '?', '[']) < 0)
                {
                    ignored.Add(pattern.Trim('/'));
                }
            }
        }

        return [.. Directory.EnumerateFileSystemEntries(root).Select(Path.GetFileName).OfType<string>().Where(n => !ignored.Contains(n))];
    }

    [GeneratedRegex("^[a-zA-Z][a-zA-Z0-9+.-]*:")]
    private static partial Regex Scheme();

    [GeneratedRegex(@"^[A-Za-z0-9._][A-Za-z0-9._-]*(/[A-Za-z0-9._-]+)*/?$")]
    private static partial Regex PlainPath();
}
