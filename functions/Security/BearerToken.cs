using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace Serverless.Functions.Security;

/// <summary>Reads a caller's token from <c>Authorization: Bearer</c> or, for function URLs, <c>?code=</c>.</summary>
public static class BearerToken
{
    public static string? FromRequest(HttpRequest request, bool allowQueryCode)
    {
        ArgumentNullException.ThrowIfNull(request);
        var header = request.Headers[HeaderNames.Authorization].ToString();
        const string Prefix = "Bearer ";
        if (header.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase))
        {
            var token = header[Prefix.Length..].Trim();
            return token.Length == 0 ? null : token;
        }

        if (allowQueryCode && request.Query.TryGetValue("code", out var code) && !string.IsNullOrEmpty(code))
        {
            return code.ToString();
        }

        return null;
    }
}
