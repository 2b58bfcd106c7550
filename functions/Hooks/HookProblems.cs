using System.Collections.Frozen;
using Microsoft.AspNetCore.Http.HttpResults;
using Serverless.Functions.Sources;

namespace Serverless.Functions.Hooks;

/// <summary>
/// The refusals of <c>POST /api/hooks/{source}/{channel}</c> as problem details whose <c>detail</c> says what
/// is wrong and what to change, never a secret. The texts that depend only on the source are built once,
/// since a flood of refused requests is a known load: each refusal then costs a lookup and one small
/// ProblemDetails (not shared, as the problem details writer adds the trace id to the instance it writes).
/// </summary>
public sealed class HookProblems
{
    private readonly FrozenDictionary<string, CredentialRefusals> _credentials;
    private readonly string _knownSources;

    public HookProblems(IEnumerable<IWebhookSource> sources)
    {
        ArgumentNullException.ThrowIfNull(sources);
        var all = sources.ToList();
        _credentials = all.ToFrozenDictionary(s => s.Name, CredentialRefusals.For, StringComparer.Ordinal);
        _knownSources = string.Join(", ", all.Select(s => s.Name));
    }

    public static ProblemHttpResult InvalidChannel(string channel) => Problem(
        StatusCodes.Status400BadRequest,
        $"Invalid channel '{Clip(channel)}': {ChannelName.Rule} ([a-z0-9-]{{1,40}}). The channel names the relay that gets the event (its --channel).");

    public ProblemHttpResult UnknownSource(string source) => Problem(
        StatusCodes.Status404NotFound,
        $"Unknown source '{Clip(source)}': the sources are {_knownSources}. For anything else, use generic.");

    public static ProblemHttpResult TooLarge(int limit) => Problem(
        StatusCodes.Status413PayloadTooLarge,
        $"The body is larger than {limit} bytes, this function app's limit (Ingress:MaxBodyBytes): send a smaller body, or raise the limit.");

    /// <summary>The body cannot be read as the source's payload; <paramref name="reason"/> is the source's own sentence.</summary>
    public static ProblemHttpResult Unreadable(string reason) => Problem(StatusCodes.Status400BadRequest, reason);

    /// <summary>The 401 for a request the source's check refused, or that no check could pass as the source has no secret.</summary>
    public ProblemHttpResult Unauthorized(string source, CredentialRefusal refusal)
    {
        var texts = _credentials[source];
        return Problem(StatusCodes.Status401Unauthorized, refusal switch
        {
            CredentialRefusal.NoSecret => texts.NoSecret,
            CredentialRefusal.Missing => texts.Missing,
            _ => texts.Mismatch,
        });
    }

    private static ProblemHttpResult Problem(int status, string detail) => TypedResults.Problem(detail, statusCode: status);

    private static string Clip(string value) => value.Length <= 40 ? value : value[..40] + "…";

    /// <summary>A source's three 401 details, worded from its <see cref="CredentialPlacement"/>.</summary>
    private sealed record CredentialRefusals(string NoSecret, string Missing, string Mismatch)
    {
        public static CredentialRefusals For(IWebhookSource source)
        {
            var name = source.Name;
            var credential = source.Credential;
            var setting = $"Sources:{name}:Secret (env Sources__{name}__Secret)";
            return new CredentialRefusals(
                NoSecret: $"No secret is configured for source '{name}', so it accepts nothing: set {setting} on the function app to {credential.ProviderSecret}.",
                Missing: $"The request has no credential for source '{name}'. {credential.HowToSend}",
                Mismatch: $"The credential does not match source '{name}': check that {setting} on the function app is {credential.ProviderSecret}"
                    + (credential.MismatchHint is { } hint ? $", {hint}." : "."));
        }
    }
}

/// <summary>Why a webhook's credential was refused.</summary>
public enum CredentialRefusal
{
    /// <summary>The source has no secret configured, so nothing can pass.</summary>
    NoSecret,

    /// <summary>The request carries nothing where the source's credential goes.</summary>
    Missing,

    /// <summary>The request carries a credential, and it does not match.</summary>
    Mismatch,
}
