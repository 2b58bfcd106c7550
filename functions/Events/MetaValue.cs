using System.Text.RegularExpressions;

namespace Serverless.Functions.Events;

/// <summary>
/// Envelope attributes that the relay shows as tag attributes (repo, service, user, url) come from
/// payloads that third parties can write into (an alert label, a link). They are kept only when they
/// look like what they claim to be, an identifier or a link, so a sentence of instructions can only
/// ever reach the session inside the untrusted content, never beside trust="...".
/// </summary>
public static partial class MetaValue
{
    public const int MaxLinkLength = 1000;

    /// <summary>A name such as <c>org/repo</c>, <c>checkout-api</c> or <c>user.name@x</c>; null for anything else.</summary>
    public static string? Identifier(string? value) =>
        value is not null && IdentifierPattern().IsMatch(value) ? value : null;

    /// <summary>An absolute http(s) link without white space, quotes or angle brackets; null for anything else.</summary>
    public static string? Link(string? value) =>
        value is { Length: <= MaxLinkLength }
        && LinkPattern().IsMatch(value)
        && Uri.TryCreate(value, UriKind.Absolute, out var uri)
        && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp)
            ? value
            : null;

    [GeneratedRegex(@"\A[A-Za-z0-9][A-Za-z0-9._:/@+#-]{0,127}\z")]
    private static partial Regex IdentifierPattern();

    [GeneratedRegex(@"\Ahttps?://[^\s""'<>`]+\z", RegexOptions.IgnoreCase)]
    private static partial Regex LinkPattern();
}
