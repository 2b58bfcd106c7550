using System.Text.Json.Serialization;
using Serverless.Functions.Chat.Discord;
using Serverless.Functions.Events;
using Serverless.Functions.Health;
using Serverless.Functions.Hooks;
using Serverless.Functions.Publishing;
using Serverless.Functions.Relay;

namespace Serverless.Functions.Hosting;

/// <summary>
/// The function app's own HTTP answers, in the relay API's naming (snake_case), source-generated like the
/// contracts so that a webhook's answer costs no reflection.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    AllowDuplicateProperties = false)]
[JsonSerializable(typeof(AcceptedBody))]
[JsonSerializable(typeof(IgnoredBody))]
[JsonSerializable(typeof(HealthStatus))]
[JsonSerializable(typeof(BacklogResponse))]
[JsonSerializable(typeof(RelayMessage))]
[JsonSerializable(typeof(ChannelEvent))]
[JsonSerializable(typeof(DiscordInteractionResponse))]
public sealed partial class FunctionsJsonContext : JsonSerializerContext;
