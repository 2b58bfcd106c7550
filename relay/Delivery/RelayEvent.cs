using System.Text.Json.Nodes;
using Serverless.Contracts;
using Serverless.Relay.Connection;

namespace Serverless.Relay.Delivery;

/// <summary>An event as the function app sends it: the CloudEvents envelope and the receipt that acknowledges it.</summary>
public sealed record RelayEvent(string Id, JsonObject Envelope, string Receipt)
{
    /// <summary>Reads <c>{"type":"event","event":{...},"receipt":"..."}</c>; null for anything else.</summary>
    public static RelayEvent? FromMessage(JsonNode? message)
    {
        if (message is not JsonObject obj || JsonRead.Text(obj["type"]) != "event"
            || obj["event"] is not JsonObject envelope
            || JsonRead.Text(envelope["id"]) is not { Length: > 0 } id
            || JsonRead.Text(obj["receipt"]) is not { Length: > 0 } receipt)
        {
            return null;
        }

        return new RelayEvent(id, envelope, receipt);
    }

    public string? Attribute(string name) => JsonRead.Text(Envelope[name]);

    /// <summary>
    /// The decision this event carries by the rule both sides share (<see cref="DecisionEvents"/>), or null for an
    /// ordinary event. A replay is never one: any <c>replayof</c>, of any type, counts.
    /// </summary>
    public DecisionKind? Decision =>
        DecisionEvents.ToActOn(Attribute("kind"), Attribute("trust"), Attribute("eventtype"), isReplay: Envelope.ContainsKey("replayof"));
}
