using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace Serverless.Functions.Security;

/// <summary>Reads a caller's token from <c>Authorization: Bearer</c> or, for function URLs, <c>?code=</c>.</summary>
public static class BearerToken
{
    public static string? FromRequest(HttpRequest request, bool allowQueryCode)
    {
        ArgumentNullException.ThrowIfNull(request);
        return From(request.Headers, allowQueryCode ? request.Query : null);
    }

    /// <summary>The bearer token, else (when <paramref name="query"/> is given) <c>?code=</c>; null when neither is there.</summary>
    public static string? From(IHeaderDictionary headers, IQueryCollection? query)
    {
        ArgumentNullException.ThrowIfNull(headers);
        var header = headers[HeaderNames.Authorization].ToString();
        const string Prefix = "Bearer ";
        if (header.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase))
        {
            var token = header[Prefix.Length..].Trim();
            return token.Length == 0 ? null : token;
        }

        if (query is not null && query.TryGetValue("code", out var code) && !string.IsNullOrEmpty(code))
        {
            return code.ToString();
        }

        return null;
    }
}
