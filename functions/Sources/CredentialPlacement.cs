using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;

namespace Serverless.Functions.Sources;

/// <summary>
/// Where a source's sender puts its credential and what it must match: enough to tell a request without
/// one from one whose credential is wrong, and to say in the refusal what to send or what to check.
/// Never the secret itself.
/// </summary>
/// <param name="HowToSend">What to do when the request has no credential, as a sentence.</param>
/// <param name="ProviderSecret">What <c>Sources:{source}:Secret</c> must equal, as a phrase ("the token you send").</param>
/// <param name="Headers">The headers that carry it; any one of them present counts as a credential.</param>
/// <param name="QueryCode">Whether <c>?code=</c> carries it too.</param>
public sealed record CredentialPlacement(string HowToSend, string ProviderSecret, IReadOnlyList<string> Headers, bool QueryCode = false)
{
    /// <summary>What else to check when a credential does not match (a signed timestamp), as a phrase; null when nothing.</summary>
    public string? MismatchHint { get; init; }

    /// <summary>A token for senders that cannot sign: <c>Authorization</c> (Bearer, or Basic where the source takes it), <c>?code=</c>, and any provider header.</summary>
    public static CredentialPlacement Token(string howToSend, params string[] headers) =>
        new(howToSend, "the token you send", [HeaderNames.Authorization, .. headers], QueryCode: true);

    /// <summary>A header of the provider's own: a signature it computes with the secret, or the secret itself.</summary>
    public static CredentialPlacement ProviderHeader(string header, string howToSend, string providerSecret) => new(howToSend, providerSecret, [header]);

    /// <summary>True when the request carries something in one of the credential's places, right or wrong.</summary>
    public bool IsPresentIn(WebhookDelivery delivery)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        foreach (var header in Headers)
        {
            if (!StringValues.IsNullOrEmpty(delivery.Headers[header]))
            {
                return true;
            }
        }

        return QueryCode && !StringValues.IsNullOrEmpty(delivery.Query["code"]);
    }
}
