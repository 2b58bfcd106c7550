using System.Text.Json.Nodes;
using Serverless.Functions.Events;
using Serverless.Functions.Inbox;

namespace Serverless.Tests.Functions.Inbox;

public class LargePayloadsTests
{
    private static ChannelEvent Event(JsonNode? data, string summary = "deploy failed") => new()
    {
        Id = "0193c6a0b2f87d3e9a51c2e4f6a8b0d1", Source = "/hooks/generic", Type = "generic.webhook", Time = DateTimeOffset.UnixEpoch,
        Channel = "ops", Kind = "generic", EventType = "webhook", Trust = TrustLevel.ThirdParty, Summary = summary, Data = data,
    };

    public static TheoryData<string> Shapes => new() { "small", "escaped", "large", "no data" };

    private static ChannelEvent Shape(string shape) => shape switch
    {
        "small" => Event(new JsonObject { ["title"] = "db down", ["n"] = 3 }),
        // Escaping changes the byte count: the default encoder writes < as \u003C and é as \u00E9.
        "escaped" => Event(new JsonObject { ["title"] = "<b>é 🚀 \"quoted\"\n</b>" }, summary: "ü <script>"),
        // Larger than the scratch buffer a thread keeps, so the one-off buffer is used.
        "large" => Event(new JsonObject { ["log"] = new string('x', 200_000) }),
        _ => Event(null),
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void SizeOf_counts_exactly_the_bytes_Serialize_writes(string shape)
    {
        var channelEvent = Shape(shape);

        Assert.Equal(LargePayloads.Serialize(channelEvent).Length, LargePayloads.SizeOf(channelEvent));
    }

    [Fact]
    public void SizeOf_is_not_changed_by_what_the_same_thread_counted_before()
    {
        var small = Shape("small");
        var expected = LargePayloads.Serialize(small).Length;

        LargePayloads.SizeOf(Shape("large"));
        LargePayloads.SizeOf(Shape("escaped"));

        Assert.Equal(expected, LargePayloads.SizeOf(small));
    }
}
