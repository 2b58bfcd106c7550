using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Functions.Inbox;
using Serverless.Testing;

namespace Serverless.EndToEnd.Tests;

/// <summary>
/// The playbook exactly as the README shows it, in a real relay, fed by the real app: a failing run on
/// acme/shop's own main branch names its rule; a fork's failing pull request (even one whose branch is called
/// main) and a generic webhook that claims to be a failed workflow_run name none.
/// </summary>
public sealed partial class ReadmePlaybookTests : IAsyncLifetime, IDisposable
{
    private const string GitHubSecret = "readme-github-secret-0123";
    private const string GenericToken = "readme-generic-token-0123";
    private const string RelayToken = "readme-relay-token-0123456789";
    private const string Channel = "readme-playbook";
    private readonly DirectoryInfo _project = Directory.CreateTempSubdirectory("readme-playbook-");
    private RunningFunctionsApp _app = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        _app = await RunningFunctionsApp.StartAsync(new Dictionary<string, string?>
        {
            ["Sources:github:Secret"] = GitHubSecret,
            ["Sources:generic:Secret"] = GenericToken,
            ["Relay:Tokens:0:Secret"] = RelayToken,
            ["Relay:Tokens:0:Channels"] = Channel,
        });
        _http = _app.CreateClient();
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _app.DisposeAsync();
    }

    public void Dispose() => _project.Delete(recursive: true);

    /// <summary>The README's example playbook (wherever the docs keep it): the markdown block with the ci-failed-main rule.</summary>
    private static string ReadmePlaybook()
    {
        var pages = Directory.EnumerateFiles(Repository.Root, "*.md", SearchOption.TopDirectoryOnly)
            .Concat(Directory.Exists(Path.Combine(Repository.Root, "docs")) ? Directory.EnumerateFiles(Path.Combine(Repository.Root, "docs"), "*.md", SearchOption.AllDirectories) : []);
        return pages.SelectMany(p => MarkdownBlock().Matches(File.ReadAllText(p)).Select(m => m.Groups[1].Value))
            .Single(b => b.Contains("## ci-failed-main", StringComparison.Ordinal));
    }

    private static byte[] Fixture(string name, Func<string, string>? edit = null)
    {
        var text = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", name));
        return Encoding.UTF8.GetBytes(edit is null ? text : edit(text));
    }

    private async Task<string> PostGitHubAsync(byte[] body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri($"/api/hooks/github/{Channel}", UriKind.Relative)) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Add("X-Hub-Signature-256", "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(GitHubSecret), body)));
        request.Headers.Add("X-GitHub-Event", "workflow_run");
        request.Headers.Add("X-GitHub-Delivery", Guid.NewGuid().ToString());
        using var response = await _http.SendAsync(request);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return (string)(await response.Content.ReadFromJsonAsync<JsonObject>())!["id"]!;
    }

    [Fact]
    public async Task The_readme_playbook_fires_for_the_owners_own_main_branch_and_not_for_a_fork_or_a_generic_token_holder()
    {
        var path = Path.Combine(_project.FullName, "channel-playbook.md");
        File.WriteAllText(path, ReadmePlaybook());
        await using var relay = await RelayProcess.StartAsync(_app.BaseUrl, Channel, RelayToken, null, "--playbook", path);
        await WebhookToChannelTests.WaitUntilConnectedAsync(relay);

        var own = await PostGitHubAsync(Fixture("github-workflow_run.json", s => s.Replace("octo-org/octo-repo", "acme/shop", StringComparison.Ordinal)));
        var fork = await PostGitHubAsync(Fixture("github-workflow_run-fork.json"));
        var forkNamedMain = await PostGitHubAsync(Fixture("github-workflow_run-fork.json", s => s.Replace("\"patch-1\"", "\"main\"", StringComparison.Ordinal)));
        string generic;
        using (var request = new HttpRequestMessage(HttpMethod.Post, new Uri($"/api/hooks/generic/{Channel}", UriKind.Relative)) { Content = JsonContent.Create(new { severity = "error", title = "Build and test FAILED in acme/shop" }) })
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", GenericToken);
            request.Headers.Add("X-Event-Type", "workflow_run");
            using var response = await _http.SendAsync(request);
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            generic = (string)(await response.Content.ReadFromJsonAsync<JsonObject>())!["id"]!;
        }

        await relay.SettledAsync(4, () => Task.FromResult(_app.Services.GetRequiredService<EmbeddedEventInbox>().Count(Channel)), TimeSpan.FromSeconds(30));
        var meta = relay.Notifications.ToDictionary(n => (string)n["meta"]!["event_id"]!, n => n["meta"]!.AsObject());

        Assert.Equal("ci-failed-main", (string?)meta[own]["playbook"]);
        Assert.Equal(("acme/shop", "main", "false", "octocat"), ((string?)meta[own]["repo"], (string?)meta[own]["branch"], (string?)meta[own]["fork"], (string?)meta[own]["actor"]));
        Assert.Equal(("acme/shop", "patch-1", "true", "stranger"), ((string?)meta[fork]["repo"], (string?)meta[fork]["branch"], (string?)meta[fork]["fork"], (string?)meta[fork]["actor"]));
        Assert.Equal(("workflow_run", "error"), ((string?)meta[generic]["event_type"], (string?)meta[generic]["severity"]));
        Assert.All([fork, forkNamedMain, generic], id => Assert.False(meta[id].ContainsKey("playbook"), $"{id} matched {meta[id]["playbook"]}"));

        // playbook check reads the same attributes back from the history (written in the background) and agrees.
        var check = (ExitCode: -1, Stdout: string.Empty, Stderr: string.Empty);
        Assert.True(
            await RelayProcess.EventuallyAsync(
                () => (check = RelayProcess.RunCommandWithTokenAsync(RelayToken, _app.BaseUrl, Channel, "playbook", "check", "--playbook", path, "--json").GetAwaiter().GetResult()).Stdout.Contains(generic, StringComparison.Ordinal),
                TimeSpan.FromSeconds(30)),
            check.Stdout + check.Stderr);
        var checkedOut = JsonNode.Parse(check.Stdout)!;
        var rules = checkedOut["events"]!.AsArray().ToDictionary(e => (string)e!["id"]!, e => (string?)e!["rule"]);
        Assert.Equal(("ci-failed-main", null, null, null), (rules[own], rules[fork], rules[forkNamedMain], rules[generic]));
        var firedBy = checkedOut["rules"]!.AsArray().ToDictionary(r => (string)r!["name"]!, r => r!["fired_by"]!.AsArray().Select(w => (string)w!).ToList());
        Assert.Equal(["GitHub, for events in repositories matching acme/shop on branch main, by whoever can push there (not from forks)"], firedBy["ci-failed-main"]);
        Assert.DoesNotContain(firedBy["prod-alert"], w => w.Contains("generic", StringComparison.Ordinal));
    }

    [GeneratedRegex(@"```markdown\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex MarkdownBlock();
}
