using Microsoft.AspNetCore.Http;
using Serverless.Functions.Chat.Discord;
using Serverless.Functions.Chat.Slack;
using Serverless.Functions.Chat.Telegram;
using Serverless.Functions.History;
using Serverless.Functions.Sources;
using Serverless.Testing;

namespace Serverless.Tests.Functions.Sources;

/// <summary>
/// The provenance declared in Contracts (<see cref="SourceKind"/>, <see cref="EventField"/>) is what the
/// sources really do: a kind declared as a shared token is one that takes a bare bearer token, and the
/// attributes GitHub and GitLab derive (branch, fork, actor) come from the payload's own fields.
/// </summary>
public class ProvenanceTests
{
    private static readonly IReadOnlyList<IWebhookSource> Adapters = SourceCatalog.Create();

    private static byte[] Fixture(string name) => File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Fixtures", name));

    private static EventDraft Normalize(string source, byte[] body, params (string Name, string Value)[] headers)
    {
        var dictionary = new HeaderDictionary();
        foreach (var (name, value) in headers)
        {
            dictionary[name] = value;
        }

        var delivery = new WebhookDelivery(source, "ops", body, "application/json", dictionary, new QueryCollection());
        return Assert.IsType<SourceOutcome.Accepted>(Adapters.Single(a => a.Name == source).Normalize(delivery)).Draft;
    }

    private static byte[] Json(string fixture, Func<string, string> edit) => System.Text.Encoding.UTF8.GetBytes(edit(System.Text.Encoding.UTF8.GetString(Fixture(fixture))));

    [Fact]
    public void Every_webhook_source_and_chat_service_has_one_declared_kind()
    {
        var webhookKinds = SourceKind.All.Where(k => k.Credential != SourceCredential.ChatAllowlist).Select(k => k.Name);
        var chatKinds = SourceKind.All.Where(k => k.Credential == SourceCredential.ChatAllowlist).Select(k => k.Name);

        Assert.Equal(webhookKinds.Order(), Adapters.Select(a => a.Name).Order());
        Assert.Equal(chatKinds.Order(), new[] { TelegramChatTransport.TransportName, SlackChatTransport.TransportName, DiscordIds.Transport }.Order());
        Assert.Equal(SourceKind.All.Count, SourceKind.All.Select(k => k.Name).Distinct().Count());
    }

    [Fact]
    public void A_source_declared_as_shared_token_accepts_a_bare_bearer_token_and_no_other_source_does()
    {
        // Whoever holds such a token can send any body at all: that is what puts a kind on the shared-token list.
        foreach (var adapter in Adapters)
        {
            var secret = ProviderCase.SecretFor(adapter.Name);
            var headers = new HeaderDictionary { ["Authorization"] = $"Bearer {secret}" };
            var delivery = new WebhookDelivery(adapter.Name, "ops", "{\"anything\":1}"u8.ToArray(), "application/json", headers, new QueryCollection());

            Assert.True(SourceKind.Find(adapter.Name)!.IsSharedToken == adapter.Verify(delivery, secret, DateTimeOffset.UtcNow), adapter.Name);
        }

        Assert.Equal(["generic", "grafana", "alertmanager", "datadog", "azuremonitor"], SourceKind.All.Where(k => k.IsSharedToken).Select(k => k.Name));
    }

    [Theory]
    [InlineData("kind", "generic", AttributeProvenance.App)]
    [InlineData("trust", "github", AttributeProvenance.App)]
    [InlineData("event_type", "generic", AttributeProvenance.ChosenByTokenHolder)]
    [InlineData("severity", "generic", AttributeProvenance.ChosenByTokenHolder)]
    [InlineData("service", "grafana", AttributeProvenance.ChosenByTokenHolder)]
    [InlineData("severity", "github", AttributeProvenance.ChosenByTrigger)]
    [InlineData("repo", "github", AttributeProvenance.ChosenByTrigger)]
    [InlineData("branch", "gitlab", AttributeProvenance.ChosenByTrigger)]
    [InlineData("fork", "github", AttributeProvenance.ChosenByTrigger)]
    [InlineData("actor", "github", AttributeProvenance.VerifiedIdentity)]
    [InlineData("user", "slack", AttributeProvenance.VerifiedIdentity)]
    [InlineData("user_name", "slack", AttributeProvenance.ChosenByTrigger)]
    [InlineData("event_type", "telegram", AttributeProvenance.App)]
    public void Who_controls_an_attribute_depends_on_the_attribute_and_the_source(string key, string kind, AttributeProvenance expected) =>
        Assert.Equal(expected, EventField.Find(key)!.ProvenanceFor(SourceKind.Find(kind)!));

    [Fact]
    public void The_history_keeps_every_attribute_a_rule_can_test()
    {
        // The channel is the history row's partition; everything else a rule tests must be a column.
        Assert.Equal(EventField.Testables.Select(f => f.Key).Where(k => k != "channel").Order(), HistoryMeta.Fields.Select(f => f.Key).Order());
    }

    [Fact]
    public void A_workflow_run_on_the_repositorys_own_branch_is_not_a_fork()
    {
        var draft = Normalize("github", Fixture("github-workflow_run.json"), ("X-GitHub-Event", "workflow_run"));

        Assert.Equal(("main", false, "octocat"), (draft.Branch, draft.Fork, draft.Actor));
    }

    [Fact]
    public void A_workflow_run_of_a_forks_pull_request_is_a_fork_on_the_forks_branch_by_its_author()
    {
        var draft = Normalize("github", Fixture("github-workflow_run-fork.json"), ("X-GitHub-Event", "workflow_run"));

        Assert.Equal(("acme/shop", "patch-1", true, "stranger"), (draft.Repo, draft.Branch, draft.Fork, draft.Actor));
    }

    [Fact]
    public void A_fork_that_names_its_branch_main_is_still_a_fork()
    {
        var draft = Normalize("github", Json("github-workflow_run-fork.json", s => s.Replace("\"patch-1\"", "\"main\"", StringComparison.Ordinal)), ("X-GitHub-Event", "workflow_run"));

        Assert.Equal(("main", true), (draft.Branch, draft.Fork));
    }

    [Fact]
    public void A_workflow_run_that_does_not_name_its_head_repository_leaves_fork_unknown()
    {
        var draft = Normalize("github", Json("github-workflow_run.json", s => s.Replace("\"head_repository\"", "\"elsewhere\"", StringComparison.Ordinal)), ("X-GitHub-Event", "workflow_run"));

        Assert.Null(draft.Fork);
    }

    [Fact]
    public void A_pull_request_is_a_fork_when_its_head_repository_is_not_the_base_or_is_gone()
    {
        var own = Normalize("github", Fixture("github-pull_request.json"), ("X-GitHub-Event", "pull_request"));
        var fork = Normalize("github", Json("github-pull_request.json", s => s.Replace("\"ref\": \"feature/retries\", \"repo\": { \"full_name\": \"octo-org/octo-repo\" }", "\"ref\": \"main\", \"repo\": { \"full_name\": \"stranger/octo-repo\" }", StringComparison.Ordinal)), ("X-GitHub-Event", "pull_request"));
        var deleted = Normalize("github", Json("github-pull_request.json", s => s.Replace("\"repo\": { \"full_name\": \"octo-org/octo-repo\" } },", "\"repo\": null },", StringComparison.Ordinal)), ("X-GitHub-Event", "pull_request"));

        Assert.Equal(("feature/retries", false, "hubot"), (own.Branch, own.Fork, own.Actor));
        Assert.Equal(("main", true), (fork.Branch, fork.Fork));
        Assert.True(deleted.Fork);
    }

    [Fact]
    public void A_push_is_on_its_branch_and_never_a_fork()
    {
        var draft = Normalize("github", Fixture("github-push.json"), ("X-GitHub-Event", "push"));

        Assert.Equal(("main", false, "octocat"), (draft.Branch, draft.Fork, draft.Actor));
    }

    [Fact]
    public void A_gitlab_merge_request_is_a_fork_when_its_source_project_is_not_its_target()
    {
        var own = Normalize("gitlab", Fixture("gitlab-merge_request.json"));
        var fork = Normalize("gitlab", Json("gitlab-merge_request.json", s => s.Replace("\"source_project_id\": 14", "\"source_project_id\": 99", StringComparison.Ordinal)));

        Assert.Equal(("ms-viewport", false, "root"), (own.Branch, own.Fork, own.Actor));
        Assert.True(fork.Fork);
    }

    [Fact]
    public void A_gitlab_pipeline_runs_on_its_ref_unless_it_is_a_merge_request_pipeline_from_a_fork()
    {
        var branch = Normalize("gitlab", Fixture("gitlab-pipeline.json"));
        var tag = Normalize("gitlab", Json("gitlab-pipeline.json", s => s.Replace("\"ref\": \"main\",", "\"ref\": \"v1.0\", \"tag\": true,", StringComparison.Ordinal)));
        var forked = Normalize("gitlab", Json("gitlab-pipeline.json", s => s.Replace(
            "\"user\":", "\"merge_request\": { \"iid\": 15, \"source_branch\": \"main\", \"source_project_id\": 99, \"target_project_id\": 1 },\n  \"user\":", StringComparison.Ordinal)
            .Replace("\"ref\": \"main\"", "\"ref\": \"refs/merge-requests/15/head\"", StringComparison.Ordinal)));

        Assert.Equal(("main", false, "root"), (branch.Branch, branch.Fork, branch.Actor));
        Assert.Equal(((string?)null, false), (tag.Branch, tag.Fork));
        Assert.Equal(("main", true), (forked.Branch, forked.Fork));
    }
}
