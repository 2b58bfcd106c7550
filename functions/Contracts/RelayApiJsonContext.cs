using System.Text.Json.Serialization;

namespace Serverless.Contracts;

/// <summary>
/// The relay API's JSON: snake_case names (the names Claude Code's channel tools use, such as
/// <c>chat_id</c>), nulls left out, a key given twice refused, and source-generated so that the Native AOT
/// relay needs no reflection. The function app uses the same policy for its whole HTTP API.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    PropertyNameCaseInsensitive = false,
    AllowDuplicateProperties = false)]
[JsonSerializable(typeof(NegotiateResponse))]
[JsonSerializable(typeof(BacklogRequest))]
[JsonSerializable(typeof(DeadLetteredEvent))]
[JsonSerializable(typeof(AckRequest))]
[JsonSerializable(typeof(AckResponse))]
[JsonSerializable(typeof(ReplyRequest))]
[JsonSerializable(typeof(ReactRequest))]
[JsonSerializable(typeof(ReceiptRequest))]
[JsonSerializable(typeof(ReceiptResponse))]
[JsonSerializable(typeof(EditRequest))]
[JsonSerializable(typeof(ReplyResponse))]
[JsonSerializable(typeof(PermissionRequest))]
[JsonSerializable(typeof(PermissionResponse))]
[JsonSerializable(typeof(PairRequest))]
[JsonSerializable(typeof(PairResponse))]
[JsonSerializable(typeof(CapabilitiesResponse))]
[JsonSerializable(typeof(AskRequest))]
[JsonSerializable(typeof(QuestionStatus))]
[JsonSerializable(typeof(EventHistoryRecord))]
[JsonSerializable(typeof(EventHistoryResponse))]
[JsonSerializable(typeof(RedriveRequest))]
[JsonSerializable(typeof(RedriveResponse))]
[JsonSerializable(typeof(ReplayRequest))]
[JsonSerializable(typeof(ReplayResponse))]
public sealed partial class RelayApiJsonContext : JsonSerializerContext;
