using System.Text.Json.Nodes;
using Serverless.Relay.Delivery;

namespace Serverless.Tests.Relay.Delivery;

public class EventTranslatorTests
{
    internal static RelayEvent Event(string id, string summary = "summary", string receipt = "m:r") =>
        RelayEvent.FromMessage(new JsonObject
        {
            ["type"] = "event",
            ["receipt"] = receipt,
            ["event"] = new JsonObject
            {
                ["specversion"] = "1.0",
                ["id"] = id,
                ["type"] = "generic.webhook",
                ["kind"] = "generic",
                ["eventtype"] = "webhook",
                ["channel"] = "ops",
                ["trust"] = "third_party",
                ["summary"] = summary,
                ["url"] = "https://example.test/<script>",
                ["data"] = new JsonObject { ["title"] = "not meta" },
            },
        })!;

    [Fact]
    public void Content_is_the_summary_and_meta_holds_the_identifiers()
    {
        var notification = EventTranslator.Translate(Event("e1", "Deploy failed"));

        Assert.Equal("Deploy failed", notification.Content);
        Assert.Equal("e1", notification.Meta["event_id"]);
        Assert.Equal("generic", notification.Meta["kind"]);
        Assert.Equal("webhook", notification.Meta["event_type"]);
        Assert.Equal("third_party", notification.Meta["trust"]);
        Assert.Equal("https://example.test/(script)", notification.Meta["url"]);
        Assert.All(notification.Meta.Keys, k => Assert.Matches("^[A-Za-z0-9_]+$", k));
        Assert.DoesNotContain(notification.Meta.Values, v => v.Contains("not meta", StringComparison.Ordinal));
    }

    [Fact]
    public void Messages_that_are_not_events_are_not_read_as_events()
    {
        Assert.Null(RelayEvent.FromMessage(null));
        Assert.Null(RelayEvent.FromMessage(JsonValue.Create("text")));
        Assert.Null(RelayEvent.FromMessage(new JsonObject { ["type"] = "other" }));
        Assert.Null(RelayEvent.FromMessage(new JsonObject { ["type"] = "event", ["event"] = new JsonObject(), ["receipt"] = "r" }));
        Assert.Null(RelayEvent.FromMessage(new JsonObject { ["type"] = "event", ["event"] = new JsonObject { ["id"] = "x" } }));
    }

    [Fact]
    public void Long_content_is_cut()
    {
        var notification = EventTranslator.Translate(Event("e1", new string('x', 50_000)));
        Assert.Equal(EventTranslator.MaxContentLength, notification.Content.Length);
    }
}
