using Serverless.Functions.Security;

namespace Serverless.Tests.Functions.Security;

public class SecretComparerTests
{
    [Theory]
    [InlineData("secret", "secret", true)]
    [InlineData("secret", "Secret", false)]
    [InlineData("secre", "secret", false)]
    [InlineData("", "secret", false)]
    [InlineData(null, "secret", false)]
    [InlineData("secret", null, false)]
    public void Matches_only_identical_non_empty_values(string? presented, string? secret, bool expected)
    {
        Assert.Equal(expected, SecretComparer.Matches(presented, secret));
    }
}
