using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;

namespace Serverless.Relay.Channel;

/// <summary>Claude Code's permission request ids: five letters from a to z without 'l' (it reads like '1' and 'I').</summary>
public static partial class PermissionRequestId
{
    public static bool IsValid([NotNullWhen(true)] string? requestId) => requestId is not null && Pattern().IsMatch(requestId);

    [GeneratedRegex(@"\A[a-km-z]{5}\z", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
