using System.Text.Json;
using System.Text.Json.Serialization;
using Serverless.Functions.Publishing;

namespace Serverless.Functions.Events;

public static class EventJson
{
    /// <summary>Envelopes as they travel through queues and doorbells: source-generated, no reflection per message.</summary>
    public static readonly JsonSerializerOptions Options = EventJsonContext.Default.Options;
}

/// <summary>The envelope and the doorbell message, in the web defaults the envelope's own names override.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ChannelEvent))]
[JsonSerializable(typeof(RelayMessage))]
public sealed partial class EventJsonContext : JsonSerializerContext;
