namespace Serverless.Functions.WebPubSub.Embedded;

/// <summary>The WebSocket subprotocols the embedded endpoint speaks, as the service defines them.</summary>
public enum ClientProtocol
{
    /// <summary>No subprotocol: data frames only.</summary>
    Raw,

    /// <summary><c>json.webpubsub.azure.v1</c>.</summary>
    Json,

    /// <summary><c>json.reliable.webpubsub.azure.v1</c>: sequence ids, sequence acks and reconnection.</summary>
    JsonReliable,
}
