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

    [Theory]
    [InlineData("""{"\ud800":1}""")]
    [InlineData("""{"title":"\ud800"}""")]
    [InlineData("""{"a":[{"b":"x\udc00y"}]}""")]
    public void An_escaped_lone_surrogate_is_refused_at_parse_time_not_when_read(string json)
    {
        Assert.ThrowsAny<JsonException>(() => Json.ParseStrict(Utf8(json)));
    }

    [Fact]
    public void An_escaped_surrogate_pair_is_read_as_its_character()
    {
        var node = Json.ParseStrict(Utf8("""{"title":"launch \ud83d\ude80","deep":{"list":[{"s":"\u00e9"}]}}"""));

        Assert.Equal("launch 🚀", (string?)node!["title"]);
        Assert.Equal("é", (string?)node["deep"]!["list"]![0]!["s"]);
    }
}
