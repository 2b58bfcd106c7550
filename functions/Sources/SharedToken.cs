using System.Text;
using Serverless.Functions.Security;

namespace Serverless.Functions.Sources;

/// <summary>
/// Token checks for providers that cannot sign: <c>Authorization: Bearer</c>, HTTP Basic (the password,
/// or the whole <c>user:password</c>), a provider header, or <c>?code=</c> for function URLs.
/// </summary>
public static class SharedToken
{
    public static bool Matches(WebhookDelivery delivery, string secret, params string[] headers)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        if (SecretComparer.Matches(BearerToken.From(delivery.Headers, query: null), secret))
        {
            return true;
        }

        var authorization = delivery.Headers.Authorization.ToString();
        if (authorization.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase) && TryDecodeBasic(authorization[6..].Trim(), out var user, out var password)
            && (SecretComparer.Matches(password, secret) || SecretComparer.Matches($"{user}:{password}", secret)))
        {
            return true;
        }

        foreach (var header in headers)
        {
            if (SecretComparer.Matches(delivery.Headers[header].ToString(), secret))
            {
                return true;
            }
        }

        return SecretComparer.Matches(delivery.Query["code"].ToString(), secret);
    }

    private static bool TryDecodeBasic(string value, out string user, out string password)
    {
        user = password = string.Empty;
        var buffer = new byte[(value.Length * 3 / 4) + 3];
        if (!Convert.TryFromBase64String(value, buffer, out var written))
        {
            return false;
        }

        var text = Encoding.UTF8.GetString(buffer, 0, written);
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0)
        {
            return false;
        }

        user = text[..colon];
        password = text[(colon + 1)..];
        return true;
    }
}
