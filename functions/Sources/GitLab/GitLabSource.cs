using System.Text.Json.Nodes;
using Serverless.Functions.Events;
using Serverless.Functions.Security;

namespace Serverless.Functions.Sources.GitLab;

/// <summary>GitLab webhooks: the secret token in <c>X-Gitlab-Token</c>, the kind in <c>X-Gitlab-Event</c>.</summary>
public sealed class GitLabSource : IWebhookSource
{
    public const string SourceName = "gitlab";
    private const string TokenHeader = "X-Gitlab-Token";

    public string Name => SourceName;

    public CredentialPlacement Credential { get; } = CredentialPlacement.ProviderHeader(
        TokenHeader,
        "GitLab sends X-Gitlab-Token only when the webhook has a secret token: set the webhook's Secret token in GitLab.",
        "the Secret token set in the GitLab webhook");

    public bool Verify(WebhookDelivery delivery, string secret, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        return SecretComparer.Matches(delivery.Headers[TokenHeader].ToString(), secret);
    }

    public SourceOutcome Normalize(WebhookDelivery delivery)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        var payload = Json.Parse(delivery.Body);
        if (payload is not JsonObject)
        {
            return new SourceOutcome.Invalid("The body is not a JSON object.");
        }

        var kind = Json.Text(payload, "object_kind") ?? delivery.Headers["X-Gitlab-Event"].ToString();
        var project = Json.Text(payload, "project.path_with_namespace");
        var user = Json.Text(payload, "user.username") ?? Json.Text(payload, "user_username");
        var draft = kind switch
        {
            "pipeline" => Pipeline(payload, project),
            "merge_request" => MergeRequest(payload, project, user),
            "issue" or "work_item" => Issue(payload, project, user),
            "note" => Note(payload, project, user),
            _ => null,
        };
        if (draft is null)
        {
            return new SourceOutcome.Ignored($"{kind} ({Json.Text(payload, "object_attributes.status") ?? Json.Text(payload, "object_attributes.action")}) is not forwarded");
        }

        var deliveryId = delivery.Headers["X-Gitlab-Event-UUID"].ToString();
        return new SourceOutcome.Accepted(draft with
        {
            Repo = project,
            Actor = user,
            Trust = TrustLevel.ThirdParty,
            DeliveryId = string.IsNullOrEmpty(deliveryId) ? null : deliveryId,
            ContentKey = string.IsNullOrEmpty(deliveryId) ? Signatures.ContentKey(delivery.Body.Span) : null,
            Data = payload,
            DataContentType = "application/json",
        });
    }

    private static EventDraft? Pipeline(JsonNode payload, string? project)
    {
        var status = Json.Text(payload, "object_attributes.status");
        if (status is not ("failed" or "success" or "canceled"))
        {
            return null;
        }

        var failed = status == "failed";
        var url = Json.Text(payload, "object_attributes.url") ?? Json.Text(payload, "project.web_url");
        var failedJobs = Json.Array(payload, "builds")?
            .Where(b => Json.Text(b, "status") == "failed")
            .Select(b => $"{Json.Text(b, "stage")}/{Json.Text(b, "name")}")
            .Take(5);
        var summary = new Summary($"GitLab pipeline #{Json.Text(payload, "object_attributes.id")} {(failed ? "FAILED" : status)} in {project}")
            .Field("ref", Json.Text(payload, "object_attributes.ref"))
            .Field("failed jobs", failedJobs is null ? null : string.Join(", ", failedJobs))
            .Field("by", Json.Text(payload, "user.username"))
            .Field("commit", Json.Text(payload, "commit.message"))
            .Link(url);
        // A merge request pipeline runs on the merge request's source branch, maybe a fork's; any other runs on
        // this project's own branch (or tag: no branch), since a fork's branch pipelines run in the fork.
        var mergeRequest = Json.At(payload, "merge_request") as JsonObject;
        var tag = Json.IsTrue(payload, "object_attributes.tag");
        return Draft("pipeline", summary, failed ? Severity.Error : Severity.Info, url) with
        {
            Outcome = failed ? "failure" : "success",
            Subject = Json.Text(payload, "object_attributes.ref"),
            Branch = mergeRequest is not null ? Json.Text(mergeRequest, "source_branch") : tag ? null : Json.Text(payload, "object_attributes.ref"),
            Fork = mergeRequest is not null ? IsFork(mergeRequest) : false,
        };
    }

    private static EventDraft? MergeRequest(JsonNode payload, string? project, string? user)
    {
        var action = Json.Text(payload, "object_attributes.action");
        if (action is not ("open" or "reopen" or "merge" or "close" or "approved"))
        {
            return null;
        }

        var iid = Json.Text(payload, "object_attributes.iid");
        var url = Json.Text(payload, "object_attributes.url");
        var summary = new Summary($"GitLab merge request !{iid} {action} in {project} by {user}")
            .Field("title", Json.Text(payload, "object_attributes.title"))
            .Field("branches", $"{Json.Text(payload, "object_attributes.source_branch")} -> {Json.Text(payload, "object_attributes.target_branch")}")
            .Link(url);
        return Draft("merge_request", summary, Severity.Info, url) with
        {
            Subject = $"!{iid}",
            Branch = Json.Text(payload, "object_attributes.source_branch"),
            Fork = Json.At(payload, "object_attributes") is JsonObject attributes ? IsFork(attributes) : null,
        };
    }

    private static EventDraft? Issue(JsonNode payload, string? project, string? user)
    {
        var action = Json.Text(payload, "object_attributes.action");
        if (action is not ("open" or "reopen" or "close"))
        {
            return null;
        }

        var iid = Json.Text(payload, "object_attributes.iid");
        var url = Json.Text(payload, "object_attributes.url");
        var summary = new Summary($"GitLab issue #{iid} {action} in {project} by {user}")
            .Field("title", Json.Text(payload, "object_attributes.title"))
            .Field("text", Json.Text(payload, "object_attributes.description"))
            .Link(url);
        return Draft("issue", summary, Severity.Info, url) with { Subject = $"#{iid}" };
    }

    private static EventDraft Note(JsonNode payload, string? project, string? user)
    {
        var on = Json.Text(payload, "object_attributes.noteable_type");
        var target = on switch
        {
            "MergeRequest" => $"merge request !{Json.Text(payload, "merge_request.iid")}",
            "Issue" => $"issue #{Json.Text(payload, "issue.iid")}",
            "Commit" => $"commit {Json.Text(payload, "commit.id")?[..Math.Min(8, Json.Text(payload, "commit.id")!.Length)]}",
            _ => on ?? "something",
        };
        var url = Json.Text(payload, "object_attributes.url");
        var summary = new Summary($"GitLab comment by {user} on {target} in {project}")
            .Field("comment", Json.Text(payload, "object_attributes.note"))
            .Link(url);
        return Draft("note", summary, Severity.Info, url);
    }

    /// <summary>True when a merge request's source project is not its target project; null when either is missing.</summary>
    private static bool? IsFork(JsonObject mergeRequest) =>
        Json.Text(mergeRequest, "source_project_id") is { } source && Json.Text(mergeRequest, "target_project_id") is { } target ? source != target : null;

    private static EventDraft Draft(string eventType, Summary summary, string severity, string? url) => new()
    {
        EventType = eventType,
        Summary = summary.ToString(),
        Trust = TrustLevel.ThirdParty,
        Severity = severity,
        Url = url,
    };
}
