using System.Text;
using System.Text.Json;
using Serverless.Functions.Sources;

namespace Serverless.Tests.Functions.Sources;

public class JsonTests
{
    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    [Theory]
    [InlineData("""{"a":1,"a":2}""")]
    [InlineData("""{"outer":{"list":[{"x":1},{"y":1,"y":2}]}}""")]
    public void A_duplicate_key_at_any_depth_is_refused_at_parse_time(string json)
    {
        Assert.ThrowsAny<JsonException>(() => Json.ParseStrict(Utf8(json)));
    }

    [Fact]
    public void Nesting_deeper_than_64_and_invalid_utf8_are_refused()
    {
        Assert.ThrowsAny<JsonException>(() => Json.ParseStrict(Utf8(new string('[', 65) + new string(']', 65))));
        Assert.ThrowsAny<JsonException>(() => Json.ParseStrict([(byte)'"', 0xC3, 0x28, (byte)'"']));
    }

    [Fact]
    public void Valid_json_is_parsed_whole()
    {
        var node = Json.ParseStrict(Utf8("""{"a":{"b":[1,"two",{"c":null}]}}"""));

        Assert.Equal("two", (string?)node!["a"]!["b"]![1]);
        Assert.Null(node["a"]!["b"]![2]!["c"]);
    }
}
