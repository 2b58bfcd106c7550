using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Serverless.Functions.WebPubSub.Embedded;

/// <summary>
/// A message sent to a group, serialized once: each connection's frame is written around the same data
/// bytes (the reliable protocol adds its sequence id), instead of cloning and serializing the data per
/// connection.
/// </summary>
public sealed class GroupMessage
{
    private readonly ReadOnlyMemory<byte> _data;
    private byte[]? _raw;

    private GroupMessage(string group, string dataType, ReadOnlyMemory<byte> data, string? fromUserId)
    {
        Group = group;
        DataType = dataType;
        _data = data;
        FromUserId = fromUserId;
    }

    public string Group { get; }

    public string DataType { get; }

    public string? FromUserId { get; }

    /// <summary>A message whose data is a JSON node (the REST send and a client's sendToGroup).</summary>
    public static GroupMessage FromNode(string group, string dataType, JsonNode? data, string? fromUserId) =>
        new(group, dataType, Encoding.UTF8.GetBytes(data?.ToJsonString() ?? "null"), fromUserId);

    /// <summary>A message whose data is JSON already serialized by the caller (the app's own doorbell).</summary>
    public static GroupMessage FromJson(string group, ReadOnlyMemory<byte> json) => new(group, "json", json, null);

    /// <summary>The frame for one connection: <c>{"sequenceId":n,"type":"message","from":"group",...,"data":...}</c>.</summary>
    public byte[] Frame(ulong? sequenceId)
    {
        using var buffer = new MemoryStream(_data.Length + 128);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            if (sequenceId is { } sequence)
            {
                writer.WriteNumber("sequenceId", sequence);
            }

            writer.WriteString("type", "message");
            writer.WriteString("from", "group");
            writer.WriteString("group", Group);
            writer.WriteString("dataType", DataType);
            writer.WritePropertyName("data");
            writer.WriteRawValue(_data.Span, skipInputValidation: true);
            if (FromUserId is not null)
            {
                writer.WriteString("fromUserId", FromUserId);
            }

            writer.WriteEndObject();
        }

        return buffer.ToArray();
    }

    /// <summary>
    /// The frame for a connection without a subprotocol: the data itself, a text message's text as it is
    /// and anything else as JSON.
    /// </summary>
    public byte[] RawFrame()
    {
        if (_raw is null)
        {
            var text = DataType != "json" && JsonNode.Parse(_data.Span) is JsonValue value && value.TryGetValue<string>(out var s) ? s : null;
            _raw = text is null ? _data.ToArray() : Encoding.UTF8.GetBytes(text);
        }

        return _raw;
    }
}
