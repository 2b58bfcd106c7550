using System.Diagnostics.CodeAnalysis;
using System.Text.Json.Nodes;

namespace Serverless.Functions.Security;

public sealed record JwtValidationResult(JsonObject? Claims, string? Error)
{
    [MemberNotNullWhen(true, nameof(Claims))]
    [MemberNotNullWhen(false, nameof(Error))]
    public bool IsValid => Claims is not null;

    public static JwtValidationResult Success(JsonObject claims) => new(claims, null);

    public static JwtValidationResult Fail(string error) => new(null, error);
}
