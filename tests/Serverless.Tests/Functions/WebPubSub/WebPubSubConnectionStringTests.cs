using Serverless.Functions.WebPubSub;

namespace Serverless.Tests.Functions.WebPubSub;

public class WebPubSubConnectionStringTests
{
    [Fact]
    public void Parses_the_documented_form()
    {
        Assert.True(WebPubSubConnectionString.TryParse(
            "Endpoint=https://demo.webpubsub.azure.com;AccessKey=abc=;Version=1.0;", out var parsed, out var error), error);

        Assert.Equal(new Uri("https://demo.webpubsub.azure.com"), parsed.Endpoint);
        Assert.Equal("abc=", parsed.AccessKey);
    }

    [Fact]
    public void Applies_the_port_part()
    {
        Assert.True(WebPubSubConnectionString.TryParse("Endpoint=http://localhost;Port=8080;AccessKey=k;Version=1.0", out var parsed, out _));
        Assert.Equal(new Uri("http://localhost:8080"), parsed.Endpoint);
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("AccessKey=k;Version=1.0;", "Endpoint")]
    [InlineData("Endpoint=ftp://x;AccessKey=k;", "Endpoint")]
    [InlineData("Endpoint=https://x;Version=1.0;", "AccessKey")]
    [InlineData("Endpoint=https://x;AccessKey=k;Version=2.0;", "Version")]
    [InlineData("Endpoint=https://x;AccessKey=k;Port=99999;", "Port")]
    [InlineData("garbage", "Key=Value")]
    public void Explains_what_is_wrong(string value, string mentioned)
    {
        Assert.False(WebPubSubConnectionString.TryParse(value, out _, out var error));
        Assert.Contains(mentioned, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Never_prints_the_key()
    {
        Assert.True(WebPubSubConnectionString.TryParse("Endpoint=https://x;AccessKey=topsecret;Version=1.0;", out var parsed, out _));
        Assert.DoesNotContain("topsecret", parsed!.ToString(), StringComparison.Ordinal);
    }
}
