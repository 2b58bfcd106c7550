using Serverless.Testing;

namespace Serverless.Tests.Docs;

/// <summary>
/// The README, CONTRIBUTING.md and docs/*.md as a reader follows them: each relative link and anchor leads
/// somewhere, and each repository file a command names is there. The rules are in <see cref="DocsCheck"/>; the
/// last two tests run them over a small repository of their own, so a rule that stops catching anything fails here
/// rather than passing silently over the real pages.
/// </summary>
public sealed class DocsLinkTests : IDisposable
{
    private readonly string _scratch = Path.Combine(Path.GetTempPath(), "docs-check-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_scratch))
        {
            Directory.Delete(_scratch, recursive: true);
        }
    }

    [Fact]
    public void Every_relative_link_in_the_docs_names_a_file_of_the_repository_and_an_anchor_of_its_headings()
    {
        var problems = DocsCheck.LinkProblems(Repository.Root);

        Assert.True(problems.Count == 0, string.Join('\n', problems));
    }

    [Fact]
    public void Every_repository_file_a_documented_command_names_exists()
    {
        var problems = DocsCheck.CommandProblems(Repository.Root);

        Assert.True(problems.Count == 0, string.Join('\n', problems));
    }

    [Fact]
    public void The_readme_links_every_docs_page_and_each_docs_page_links_back_to_the_readme()
    {
        var root = Repository.Root;
        var pages = DocsCheck.Pages(root).Where(p => p.StartsWith("docs/", StringComparison.Ordinal)).ToList();
        var fromReadme = DocsCheck.Links(File.ReadAllText(Path.Combine(root, "README.md"))).Select(l => l.Url.Split('#')[0]).ToHashSet();

        Assert.NotEmpty(pages);
        Assert.All(pages, page => Assert.Contains(page, fromReadme));
        Assert.All(pages, page => Assert.Contains(
            DocsCheck.Links(File.ReadAllText(Path.Combine(root, page))),
            l => l.Url.Split('#')[0] == "../README.md"));
    }

    [Fact]
    public void Anchors_are_named_as_GitHub_names_them()
    {
        var anchors = DocsCheck.Anchors("""
            # Ask the owner from anywhere: `ask_user`
            ## Did my alert reach the session?
            ## Running under the Functions host (`func start`)
            ## Options
            ```markdown
            ## Not a heading: inside a fence
            ```
            ## Options
            ## Options
            """);

        Assert.Equal(
            ["ask-the-owner-from-anywhere-ask_user", "did-my-alert-reach-the-session", "running-under-the-functions-host-func-start", "options", "options-1", "options-2"],
            anchors);
    }

    [Fact]
    public void A_missing_page_a_missing_anchor_and_a_command_naming_a_missing_file_are_each_reported_and_nothing_else()
    {
        Write("Serverless.sln", string.Empty);
        Write(".gitignore", "bin/\nartifacts/\n*.user\n");
        Write("functions/Program.cs", string.Empty);
        Write("artifacts/packages/Serverless.Relay.0.5.0.nupkg", string.Empty);
        Write("docs/guide.md", """
            # Guide

            Back to the [README](../README.md#the-two-commands).

            ## Same
            ## Same
            """);
        Write("CONTRIBUTING.md", "# Contributing\n\nSee [the guide](docs/guide.md).\n");
        Write("README.md", """
            # Project

            ## The two commands

            [a page](docs/guide.md), [a repeated heading](docs/guide.md#same-1), [this page](#project),
            [a folder](functions), [a URL](https://example.invalid/x#y), <https://example.invalid/z>,
            [mail](mailto:someone@example.invalid).

            [a missing page](docs/missing.md) and [a missing anchor](docs/guide.md#nowhere).

            ```sh
            dotnet run --project functions
            dotnet run --project functons
            dotnet pack relay                # relay is not in this repository
            cat docs/guide.md docs/gone.md   # and see docs/guide.md
            cp artifacts/functions.zip NAME  # a build output and a placeholder
            cat .claude/channel-playbook.md ~/.config/serverless-relay/default.token "$HOME/x" <keyVaultName>
            curl https://APP.azurewebsites.net/api/hooks/generic/CHANNEL -d url=https://x.invalid/functions/nope
            ```

            ```json
            { "command": "functions/not-a-command.json" }
            ```

            ```
            $ cat docs/also-gone.md
            output that mentions docs/not-a-command.md
            ```
            """);

        Assert.Equal(
            [
                "README.md:9: link 'docs/missing.md': no file or folder docs/missing.md",
                "README.md:9: link 'docs/guide.md#nowhere': docs/guide.md has no heading with the anchor #nowhere",
            ],
            DocsCheck.LinkProblems(_scratch));
        Assert.Equal(
            [
                "README.md:13: the command names functons, which the repository does not have",
                "README.md:14: the command names relay, which the repository does not have",
                "README.md:15: the command names docs/gone.md, which the repository does not have",
                "README.md:26: the command names docs/also-gone.md, which the repository does not have",
            ],
            DocsCheck.CommandProblems(_scratch));
    }

    private void Write(string path, string text)
    {
        var file = Path.Combine(_scratch, path);
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        File.WriteAllText(file, text);
    }
}
