using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Serverless.Functions.Security;

/// <summary>
/// HS256 JSON Web Tokens as Azure Web PubSub issues and checks them. Written by hand because the
/// service signs with the access key's UTF-8 bytes whatever their length, which the IdentityModel
/// handlers refuse for keys shorter than 256 bits.
/// </summary>
public static class HmacJwt
{
    private static readonly byte[] Header = Encoding.UTF8.GetBytes("""{"alg":"HS256","typ":"JWT"}""");

    public static string Create(JsonObject claims, string key)
    {
        ArgumentNullException.ThrowIfNull(claims);
        ArgumentException.ThrowIfNullOrEmpty(key);
        var payload = Encoding.UTF8.GetBytes(claims.ToJsonString());
        var signingInput = Base64Url.EncodeToString(Header) + "." + Base64Url.EncodeToString(payload);
        var signature = HMACSHA256.HashData(Encoding.UTF8.GetBytes(key), Encoding.ASCII.GetBytes(signingInput));
        return signingInput + "." + Base64Url.EncodeToString(signature);
    }

    /// <summary>Checks signature, audience and lifetime; returns the claims or a reason for refusal.</summary>
    public static JwtValidationResult Validate(string? token, string key, string expectedAudience, DateTimeOffset now)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        if (string.IsNullOrEmpty(token))
        {
            return JwtValidationResult.Fail("no token");
        }

        var parts = token.Split('.');
        if (parts.Length != 3)
        {
            return JwtValidationResult.Fail("not a JWT");
        }

        JsonObject? header;
        JsonObject? payload;
        byte[] signature;
        try
        {
            header = JsonNode.Parse(Base64Url.DecodeFromChars(parts[0])) as JsonObject;
            payload = JsonNode.Parse(Base64Url.DecodeFromChars(parts[1])) as JsonObject;
            signature = Base64Url.DecodeFromChars(parts[2]);
        }
        catch (Exception ex) when (ex is FormatException or JsonException)
        {
            return JwtValidationResult.Fail("malformed token");
        }

        if (header is null || payload is null || (string?)header["alg"] != "HS256")
        {
            return JwtValidationResult.Fail("unsupported token algorithm");
        }

        var expected = HMACSHA256.HashData(
            Encoding.UTF8.GetBytes(key), Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]));
        if (!CryptographicOperations.FixedTimeEquals(expected, signature))
        {
            return JwtValidationResult.Fail("invalid signature");
        }

        if (!AudienceMatches(payload["aud"], expectedAudience))
        {
            return JwtValidationResult.Fail("audience mismatch");
        }

        var skew = TimeSpan.FromMinutes(5);
        if (!TryGetSeconds(payload["exp"], out var exp))
        {
            return JwtValidationResult.Fail("no expiry");
        }

        if (DateTimeOffset.FromUnixTimeSeconds(exp) + skew < now)
        {
            return JwtValidationResult.Fail("expired");
        }

        if (TryGetSeconds(payload["nbf"], out var nbf) && DateTimeOffset.FromUnixTimeSeconds(nbf) - skew > now)
        {
            return JwtValidationResult.Fail("not yet valid");
        }

        return JwtValidationResult.Success(payload);
    }

    /// <summary>Reads a claim that may be a single string or an array of strings.</summary>
    public static IReadOnlyList<string> GetStrings(JsonObject claims, string name)
    {
        ArgumentNullException.ThrowIfNull(claims);
        return claims[name] switch
        {
            JsonArray array => [.. array.Select(n => n?.GetValueKind() == JsonValueKind.String ? (string?)n : null).OfType<string>()],
            JsonValue value when value.GetValueKind() == JsonValueKind.String => [(string)value!],
            _ => [],
        };
    }

    private static bool AudienceMatches(JsonNode? aud, string expected)
    {
        static bool Same(string? a, string b) =>
            a is not null && string.Equals(a.TrimEnd('/'), b.TrimEnd('/'), StringComparison.OrdinalIgnoreCase);

        return aud switch
        {
            JsonArray array => array.Any(n => n?.GetValueKind() == JsonValueKind.String && Same((string?)n, expected)),
            JsonValue value when value.GetValueKind() == JsonValueKind.String => Same((string?)value, expected),
            _ => false,
        };
    }

    private static bool TryGetSeconds(JsonNode? node, out long seconds)
    {
        seconds = 0;
        return node is JsonValue value && value.GetValueKind() == JsonValueKind.Number && value.TryGetValue(out seconds);
    }
}
