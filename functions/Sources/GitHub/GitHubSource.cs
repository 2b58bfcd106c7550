using System.Text.Json.Nodes;
using Serverless.Functions.Events;

namespace Serverless.Functions.Sources.GitHub;

/// <summary>
/// GitHub webhooks: <c>X-Hub-Signature-256</c> (<c>sha256=</c> hex HMAC of the body),
/// <c>X-GitHub-Event</c>, and <c>X-GitHub-Delivery</c> as the dedupe key.
/// Both headers are outside the signature, so whoever captured one signed body could send it again under a
/// new delivery id or another event name: the body is a dedupe key of its own, and an event name the body
/// contradicts is refused.
/// </summary>
public sealed class GitHubSource : IWebhookSource
{
    public const string SourceName = "github";
    private const string SignatureHeader = "X-Hub-Signature-256";
    private static readonly string[] FailedConclusions = ["failure", "timed_out", "startup_failure", "action_required"];

    public string Name => SourceName;

    public CredentialPlacement Credential { get; } = CredentialPlacement.ProviderHeader(
        SignatureHeader,
        "GitHub signs a delivery (X-Hub-Signature-256) only when the webhook has a secret: set the webhook's Secret in GitHub.",
        "the Secret set in the GitHub webhook");

    public bool Verify(WebhookDelivery delivery, string secret, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        var header = delivery.Headers[SignatureHeader].ToString();
        const string Prefix = "sha256=";
        return header.StartsWith(Prefix, StringComparison.Ordinal)
            && Signatures.HexMatches(header[Prefix.Length..], Signatures.HmacSha256(secret, delivery.Body.Span));
    }

    public SourceOutcome Normalize(WebhookDelivery delivery)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        var eventName = delivery.Headers["X-GitHub-Event"].ToString();
        if (string.IsNullOrEmpty(eventName))
        {
            return new SourceOutcome.Invalid("X-GitHub-Event is missing.");
        }

        var payload = Json.Parse(delivery.Body);
        if (payload is not JsonObject)
        {
            return new SourceOutcome.Invalid("The body is not a JSON object.");
        }

        // GitHub never sends a body under another event's name, so a mismatch is a forged header: refused (400,
        // counted as invalid) rather than ignored, so the sender hears why and nothing is stored under either name.
        var proven = ProvenEvent(payload.AsObject());
        if (proven is not null && proven != eventName)
        {
            return new SourceOutcome.Invalid($"X-GitHub-Event says '{eventName}' but the signed body is a {proven} payload.");
        }

        if (proven is null && DetailedEvents.Contains(eventName))
        {
            return new SourceOutcome.Invalid($"X-GitHub-Event says '{eventName}' but the signed body is not a {eventName} payload.");
        }

        if (eventName == "ping")
        {
            return new SourceOutcome.Ignored("ping");
        }

        var repo = Json.Text(payload, "repository.full_name");
        var action = Json.Text(payload, "action");
        var sender = Json.Text(payload, "sender.login");
        var draft = eventName switch
        {
            "workflow_run" => WorkflowRun(payload, repo),
            "check_suite" => CheckResult(payload, repo, "check_suite", "Check suite"),
            "check_run" => CheckResult(payload, repo, "check_run", "Check run"),
            "pull_request" => PullRequest(payload, repo, action, sender),
            "issues" => Issue(payload, repo, action, sender),
            "issue_comment" => IssueComment(payload, repo, action, sender),
            "push" => Push(payload, repo),
            "dependabot_alert" => DependabotAlert(payload, repo, action),
            "code_scanning_alert" => CodeScanningAlert(payload, repo, action),
            _ => Other(eventName, payload, repo, action, sender),
        };
        if (draft is null)
        {
            return new SourceOutcome.Ignored($"{eventName}{(action is null ? "" : $" ({action})")} is not forwarded");
        }

        var deliveryId = delivery.Headers["X-GitHub-Delivery"].ToString();
        return new SourceOutcome.Accepted(draft with
        {
            EventType = eventName,
            Repo = repo,
            Actor = draft.Actor ?? sender,
            Trust = TrustLevel.ThirdParty,
            DeliveryId = string.IsNullOrEmpty(deliveryId) ? null : deliveryId,
            SignedBodyKey = Signatures.ContentKey(delivery.Body.Span),
            Data = payload,
            DataContentType = "application/json",
        });
    }

    /// <summary>The events read in detail below: their header must be proven by the body.</summary>
    private static readonly HashSet<string> DetailedEvents =
        ["workflow_run", "check_suite", "check_run", "pull_request", "issues", "issue_comment", "push", "dependabot_alert", "code_scanning_alert"];

    /// <summary>
    /// The event a body proves by its shape, for the events read in detail (null when it proves none of them).
    /// GitHub puts an event's object under the event's own name; the exclusions are the other events whose
    /// payloads carry that object too (deployment and deployment_review carry <c>workflow_run</c>; reviews,
    /// review comments and review threads carry <c>pull_request</c>).
    /// </summary>
    private static string? ProvenEvent(JsonObject payload)
    {
        bool Has(string key) => payload.ContainsKey(key);
        if (Has("check_run"))
        {
            return "check_run";
        }

        if (Has("check_suite"))
        {
            return "check_suite";
        }

        if (Has("workflow_run"))
        {
            return Has("deployment") || Has("deployment_status") || Has("workflow_job") || Has("workflow_job_run") || Has("workflow_job_runs") || Has("reviewers")
                ? null
                : "workflow_run";
        }

        if (Has("pull_request"))
        {
            return Has("review") || Has("comment") || Has("thread") ? null : "pull_request";
        }

        if (Has("issue"))
        {
            return Has("comment") ? "issue_comment" : "issues";
        }

        if (Has("alert"))
        {
            return Json.At(payload, "alert.security_advisory") is not null || Json.At(payload, "alert.dependency") is not null ? "dependabot_alert"
                : Json.At(payload, "alert.rule") is not null && Json.At(payload, "alert.tool") is not null ? "code_scanning_alert"
                : null;
        }

        return Has("ref") && Has("before") && Has("after") && Has("pusher") ? "push" : null;
    }

    private static EventDraft? WorkflowRun(JsonNode payload, string? repo)
    {
        if (Json.Text(payload, "action") != "completed")
        {
            return null;
        }

        var conclusion = Json.Text(payload, "workflow_run.conclusion");
        var failed = FailedConclusions.Contains(conclusion);
        var branch = Json.Text(payload, "workflow_run.head_branch");
        var summary = new Summary($"GitHub Actions: workflow '{Json.Text(payload, "workflow_run.name")}' {(failed ? "FAILED" : conclusion)} in {repo}")
            .Field("branch", branch)
            .Field("run", Json.Text(payload, "workflow_run.run_number") is { } n ? $"#{n}, attempt {Json.Text(payload, "workflow_run.run_attempt") ?? "1"}" : null)
            .Field("triggered by", Json.Text(payload, "workflow_run.actor.login"))
            .Field("commit", Json.Text(payload, "workflow_run.head_commit.message"))
            .Link(Json.Text(payload, "workflow_run.html_url"));
        return Draft(summary, failed ? Severity.Error : Severity.Info, Json.Text(payload, "workflow_run.html_url")) with
        {
            Outcome = failed ? "failure" : "success",
            Subject = branch,
            Branch = branch,
            Fork = IsFork(Json.Text(payload, "workflow_run.head_repository.full_name"), repo),
            Actor = Json.Text(payload, "workflow_run.triggering_actor.login") ?? Json.Text(payload, "workflow_run.actor.login"),
        };
    }

    private static EventDraft? CheckResult(JsonNode payload, string? repo, string key, string label)
    {
        if (Json.Text(payload, "action") != "completed")
        {
            return null;
        }

        var conclusion = Json.Text(payload, $"{key}.conclusion");
        var failed = FailedConclusions.Contains(conclusion);
        var name = key == "check_run" ? Json.Text(payload, "check_run.name") : Json.Text(payload, "check_suite.app.name");
        var url = Json.Text(payload, $"{key}.html_url") ?? Json.Text(payload, "repository.html_url");
        var summary = new Summary($"GitHub {label} '{name}' {(failed ? "FAILED" : conclusion)} in {repo}")
            .Field("branch", Json.Text(payload, $"{key}.head_branch") ?? Json.Text(payload, "check_run.check_suite.head_branch"))
            .Field("commit", Json.Text(payload, $"{key}.head_sha"))
            .Link(url);
        return Draft(summary, failed ? Severity.Error : Severity.Info, url) with { Outcome = failed ? "failure" : "success" };
    }

    private static EventDraft? PullRequest(JsonNode payload, string? repo, string? action, string? sender)
    {
        if (action is not ("opened" or "review_requested" or "ready_for_review" or "reopened" or "closed"))
        {
            return null;
        }

        var number = Json.Text(payload, "pull_request.number");
        var merged = Json.Text(payload, "pull_request.merged") == "true";
        var what = action switch
        {
            "review_requested" => $"review requested from {Json.Text(payload, "requested_reviewer.login") ?? Json.Text(payload, "requested_team.name")}",
            "closed" => merged ? "merged" : "closed",
            _ => action.Replace('_', ' '),
        };
        var url = Json.Text(payload, "pull_request.html_url");
        var summary = new Summary($"GitHub pull request #{number} {what} in {repo} by {sender}")
            .Field("title", Json.Text(payload, "pull_request.title"))
            .Field("branches", $"{Json.Text(payload, "pull_request.head.ref")} -> {Json.Text(payload, "pull_request.base.ref")}")
            .Link(url);
        return Draft(summary, Severity.Info, url) with
        {
            Subject = $"#{number}",
            Branch = Json.Text(payload, "pull_request.head.ref"),
            // A head repository that is gone was a fork that has since been deleted.
            Fork = Json.At(payload, "pull_request.head.repo") is JsonObject ? IsFork(Json.Text(payload, "pull_request.head.repo.full_name"), Json.Text(payload, "pull_request.base.repo.full_name")) : true,
        };
    }

    private static EventDraft? Issue(JsonNode payload, string? repo, string? action, string? sender)
    {
        if (action is not ("opened" or "reopened" or "closed" or "assigned" or "labeled"))
        {
            return null;
        }

        var number = Json.Text(payload, "issue.number");
        var url = Json.Text(payload, "issue.html_url");
        var summary = new Summary($"GitHub issue #{number} {action} in {repo} by {sender}")
            .Field("title", Json.Text(payload, "issue.title"))
            .Field("text", Json.Text(payload, "issue.body"))
            .Link(url);
        return Draft(summary, Severity.Info, url) with { Subject = $"#{number}" };
    }

    private static EventDraft? IssueComment(JsonNode payload, string? repo, string? action, string? sender)
    {
        if (action != "created")
        {
            return null;
        }

        var number = Json.Text(payload, "issue.number");
        var kind = Json.At(payload, "issue.pull_request") is null ? "issue" : "pull request";
        var url = Json.Text(payload, "comment.html_url");
        var summary = new Summary($"GitHub comment by {sender} on {kind} #{number} in {repo}")
            .Field("on", Json.Text(payload, "issue.title"))
            .Field("comment", Json.Text(payload, "comment.body"))
            .Link(url);
        return Draft(summary, Severity.Info, url) with { Subject = $"#{number}" };
    }

    private static EventDraft? Push(JsonNode payload, string? repo)
    {
        var branch = Json.Text(payload, "ref")?.Replace("refs/heads/", string.Empty, StringComparison.Ordinal);
        if (branch is null || branch != Json.Text(payload, "repository.default_branch"))
        {
            return null;
        }

        var commits = Json.Array(payload, "commits")?.Count ?? 0;
        var url = Json.Text(payload, "compare");
        var summary = new Summary($"GitHub push: {commits} commit(s) to {branch} in {repo} by {Json.Text(payload, "pusher.name")}")
            .Field("head", Json.Text(payload, "head_commit.message"))
            .Link(url);
        // A push lands in the repository itself: a fork's pushes reach the fork's own webhooks, never this one.
        return Draft(summary, Severity.Info, url) with { Subject = branch, Branch = branch, Fork = false };
    }

    private static EventDraft? DependabotAlert(JsonNode payload, string? repo, string? action)
    {
        if (action is not ("created" or "reopened" or "reintroduced"))
        {
            return null;
        }

        var severity = Json.Text(payload, "alert.security_advisory.severity") ?? Json.Text(payload, "alert.security_vulnerability.severity");
        var url = Json.Text(payload, "alert.html_url");
        var summary = new Summary($"Dependabot alert ({severity ?? "unknown"} severity) {action} in {repo}")
            .Field("package", $"{Json.Text(payload, "alert.dependency.package.ecosystem")}/{Json.Text(payload, "alert.dependency.package.name")}")
            .Field("advisory", Json.Text(payload, "alert.security_advisory.summary"))
            .Field("fixed in", Json.Text(payload, "alert.security_vulnerability.first_patched_version.identifier"))
            .Link(url);
        return Draft(summary, Severity.Normalize(severity) ?? Severity.Warning, url);
    }

    private static EventDraft? CodeScanningAlert(JsonNode payload, string? repo, string? action)
    {
        if (action is not ("created" or "reopened" or "appeared_in_branch"))
        {
            return null;
        }

        var severity = Json.Text(payload, "alert.rule.security_severity_level") ?? Json.Text(payload, "alert.rule.severity");
        var url = Json.Text(payload, "alert.html_url");
        var summary = new Summary($"Code scanning alert ({severity ?? "unknown"}) {action} in {repo}")
            .Field("rule", Json.Text(payload, "alert.rule.id"))
            .Field("description", Json.Text(payload, "alert.rule.description"))
            .Field("tool", Json.Text(payload, "alert.tool.name"))
            .Field("where", Json.Text(payload, "alert.most_recent_instance.location.path"))
            .Link(url);
        return Draft(summary, Severity.Normalize(severity) ?? Severity.Warning, url);
    }

    private static EventDraft Other(string eventName, JsonNode payload, string? repo, string? action, string? sender)
    {
        var summary = new Summary($"GitHub {eventName}{(action is null ? "" : $" ({action})")} in {repo ?? Json.Text(payload, "organization.login")} by {sender}");
        return Draft(summary, Severity.Info, Json.Text(payload, "repository.html_url"));
    }

    /// <summary>True when the head repository is not the base one; null when the payload names only one of them.</summary>
    private static bool? IsFork(string? head, string? @base) =>
        head is null || @base is null ? null : !string.Equals(head, @base, StringComparison.OrdinalIgnoreCase);

    private static EventDraft Draft(Summary summary, string severity, string? url) => new()
    {
        EventType = string.Empty,
        Summary = summary.ToString(),
        Trust = TrustLevel.ThirdParty,
        Severity = severity,
        Url = url,
    };
}
